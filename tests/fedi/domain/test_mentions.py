"""Mentions resolved before a caption is rendered: local users by name, known accounts by
handle, a blocked server's accounts not at all; a reply names the replied-to author."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.mentions import compose
from storage import domain_blocks
from tests.support import rows


async def test_compose_resolves_local_and_known_accounts_and_prefills_a_reply(
    svc: Services,
) -> None:
    alice = await create_user(svc, "alice")
    carol = await create_user(svc, "carol")
    async with svc.sessions.begin() as session:
        session.add(rows.account("http://127.0.0.1:1/users/bob", "bob", "127.0.0.1:1"))
    # @carol is local; @ghost@127.0.0.1:1 cannot be resolved (nothing listens there).
    text, caption = await compose(svc, "for @carol and @ghost@127.0.0.1:1 #Dusk", author=alice)
    assert text == "for @carol and @ghost@127.0.0.1:1 #Dusk"
    assert [account.id for account in caption.mentions] == [carol.id]
    assert "@ghost@127.0.0.1:1 " in caption.html and caption.hashtags == ("dusk",)

    # A reply names the replied-to author first, as Mastodon clients prefill it ...
    text, caption = await compose(svc, "lovely", author=alice, reply_to=carol)
    assert text == "@carol lovely" and [a.id for a in caption.mentions] == [carol.id]
    # ... unless the caption already does; a remote author is found by handle, not fetched.
    text, caption = await compose(svc, "thanks @BOB@127.0.0.1:1", author=alice)
    [bob] = caption.mentions
    assert bob.uri == "http://127.0.0.1:1/users/bob"
    text, caption = await compose(svc, "thanks @bob@127.0.0.1:1", author=alice, reply_to=bob)
    assert text == "thanks @bob@127.0.0.1:1" and caption.mentions == (bob,)
    # Replying to oneself mentions nobody.
    text, caption = await compose(svc, "", author=alice, reply_to=alice)
    assert text == "" and caption.mentions == () and caption.html == ""


async def test_an_account_on_a_blocked_server_is_not_mentioned(svc: Services) -> None:
    alice = await create_user(svc, "alice")
    async with svc.sessions.begin() as session:
        session.add(rows.account("http://127.0.0.1:1/users/bob", "bob", "127.0.0.1:1"))
    _, caption = await compose(svc, "hi @bob@127.0.0.1:1", author=alice)
    assert len(caption.mentions) == 1
    async with svc.sessions.begin() as session:
        await domain_blocks.add(session, "127.0.0.1:1")
    svc._blocked = None  # forget the cached set at once (a running server re-reads within 5 s)
    _, caption = await compose(svc, "hi @bob@127.0.0.1:1", author=alice)
    assert caption.mentions == () and "@bob@127.0.0.1:1" in caption.html
