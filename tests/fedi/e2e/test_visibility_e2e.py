"""Who hears of a followers-only or a direct post, with real servers on 127.0.0.1: alice's
server (A), bob's (B: bob follows alice) and a fake peer hosting mallory (who follows nobody).
A followers-only post reaches B and not the peer; a direct post to mallory reaches her own
inbox only, and never B."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Post
from tests.support.inspect import delivery_states, query
from tests.support.pair import Instance, follow
from tests.support.peer import Peer
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _stored(instance: Instance, uri: str) -> bool:
    async def read(session: AsyncSession) -> bool:
        return (await session.scalar(select(Post.id).where(Post.uri == uri))) is not None

    return query(instance.config, read)


def _note_id(a: Instance, page_url: str) -> str:
    """The Note id of one of alice's posts, from its page URL (/@alice/N -> /users/alice/...)."""
    number = page_url.rsplit("/", 1)[-1]
    return f"{a.base}/users/{a.user}/statuses/{number}"


def _audiences(a: Instance, b: Instance, peer: Peer) -> None:
    follow(b, a)
    mallory = f"mallory@127.0.0.1:{peer.port}"
    secret_page = a.post("a secret garden", "--visibility", "private")
    secret = _note_id(a, secret_page)
    wait_for(lambda: _stored(b, secret))  # the follower's server has it
    letter_page = a.post("a letter", "--visibility", "direct", "--caption", f"for @{mallory}")
    letter = _note_id(a, letter_page)
    wait_for(lambda: any(item.json["object"]["id"] == letter for item in peer.received))
    wait_for(lambda: all(state == "delivered" for state in delivery_states(a.config)))
    # The peer got the direct post in mallory's own inbox, and nothing else of either post.
    got = [(item.path, item.json["object"]["id"]) for item in peer.received]
    assert got == [("/users/mallory/inbox", letter)]
    assert not _stored(b, letter)  # bob follows alice, but the letter is not for him
    # Neither is readable by a visitor: no Note document, no page.
    for url, accept in [(u, AS2) for u in (secret, letter)] + [
        (page, "text/html") for page in (secret_page, letter_page)
    ]:
        status, _, _ = a.server.get_raw(url.removeprefix(a.base), accept)
        assert status == 404, (url, accept, status)


async def test_followers_only_and_direct_reach_only_their_audience(
    pair: tuple[Instance, Instance], remote: Peer
) -> None:
    await asyncio.to_thread(_audiences, *pair, remote)
