"""Likes, boosts, their Undo and deleting an own post, as a local user does them: what is
recorded, what is queued for whom, and what the activity and Note URLs answer afterwards.
The app runs without workers, so queued deliveries stay in the database to be read."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import delete, select

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import actions, updates
from fedi.domain.account_deletion import delete_account
from fedi.domain.accounts import AccountError, create_user
from fedi.domain.posting import Draft, make_post
from storage import notifications, reactions
from storage.models import (
    Account,
    Block,
    Delivery,
    Follow,
    MediaAttachment,
    Mention,
    Notification,
    OutboundActivity,
    Post,
    Reaction,
    User,
)
from tests.support import rows

AS2 = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
async def client(client: tuple[Client, Services]) -> tuple[Client, Services]:
    """tests/fedi/conftest.py's app and alice, with bob as a second local user."""
    await create_user(client[1], "bob")
    return client


async def _remote(svc: Services, name: str, host: str) -> Account:
    """A cached remote account (on `host`, with a shared inbox there)."""
    base = f"https://{host}/users/{name}"
    account = rows.account(
        base,
        name,
        host,
        shared_inbox_url=f"https://{host}/inbox",
        followers_url=f"{base}/followers",
    )
    async with svc.sessions.begin() as session:
        session.add(account)
    return account


async def _mallory_and_trent(svc: Services) -> tuple[Account, Account]:
    """mallory on remote.example, and trent on other.example, who follows alice."""
    mallory = await _remote(svc, "mallory", "remote.example")
    trent = await _remote(svc, "trent", "other.example")
    await _follow(svc, trent, "alice")
    return mallory, trent


async def _gone(http: Client, path: str) -> dict[str, Any]:
    """What the URL of something deleted or undone answers: 410 Gone, with a Tombstone."""
    response = await http.get(path, headers={"Accept": AS2})
    assert response.status_code == 410
    doc: dict[str, Any] = await response.get_json(force=True)
    assert doc["type"] == "Tombstone"
    return doc


async def _remote_post(svc: Services, author: Account, n: int, visibility: str) -> Post:
    post = Post(
        uri=f"{author.uri}/statuses/{n}", account_id=author.id, local=False, visibility=visibility
    )
    async with svc.sessions.begin() as session:
        session.add(post)
    return post


async def _follow(svc: Services, follower: Account, target: str) -> None:
    async with svc.sessions.begin() as session:
        account = await session.scalar(select(Account).where(Account.username == target))
        assert account is not None
        uri = f"{follower.uri}/follows/{target}"
        session.add(rows.accepted_follow(uri, follower.id, account.id))


async def _sent(svc: Services, kind: str) -> list[tuple[dict[str, Any], list[str]]]:
    """Each queued activity of this type, oldest first, with the inboxes it is queued for."""
    async with svc.sessions() as session:
        rows = (
            await session.execute(
                select(OutboundActivity)
                .where(OutboundActivity.activity_type == kind)
                .order_by(OutboundActivity.created_at)
            )
        ).scalars()
        result = []
        for row in rows:
            inboxes = await session.execute(
                select(Delivery.inbox_url).where(Delivery.activity_id == row.id)
            )
            result.append((json.loads(row.body), sorted(inboxes.scalars())))
    return result


async def _notified(svc: Services, username: str) -> list[str]:
    async with svc.sessions() as session:
        stmt = (
            select(Notification.kind)
            .join(Account, Account.id == Notification.account_id)
            .where(Account.username == username)
        )
        return sorted((await session.execute(stmt)).scalars())


async def test_a_like_is_sent_once_to_the_author_and_its_undo_follows_it(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    mallory = await _remote(svc, "mallory", "remote.example")
    post = await _remote_post(svc, mallory, 1, "public")

    first = await actions.react(svc, "alice", post.uri, reactions.LIKE)
    again = await actions.react(svc, "alice", str(post.id), reactions.LIKE)
    assert first.new and not again.new and again.activity_id == first.activity_id
    [(like, inboxes)] = await _sent(svc, "Like")  # one Like, to the author's inbox only
    assert inboxes == [mallory.inbox_url]
    assert like["id"] == first.activity_id
    assert (like["type"], like["actor"], like["object"]) == (
        "Like",
        svc.urls.actor("alice"),
        post.uri,
    )
    path = first.activity_id.removeprefix(svc.urls.base)
    assert (await http.get(path, headers={"Accept": AS2})).status_code == 200

    await actions.undo(svc, "alice", post.uri, reactions.LIKE)
    [(undo, undo_inboxes)] = await _sent(svc, "Undo")
    assert undo["object"] == {key: value for key, value in like.items() if key != "@context"}
    assert undo["actor"] == like["actor"] and undo_inboxes == [mallory.inbox_url]
    async with svc.sessions() as session:
        assert await session.scalar(select(Reaction)) is None
    await _gone(http, path)  # an undone Like no longer stands
    # Unliking what is not liked is an error that says so, and sends nothing.
    with pytest.raises(actions.ActionError, match="has not liked"):
        await actions.undo(svc, "alice", post.uri, reactions.LIKE)
    assert len(await _sent(svc, "Undo")) == 1


async def test_a_local_author_is_notified_of_likes_and_boosts_until_undone(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    post = await make_post(svc, Draft("bob", "a blue heron"))
    for kind in (reactions.LIKE, reactions.ANNOUNCE):
        await actions.react(svc, "alice", post.url or "", kind)
        await actions.react(svc, "bob", post.uri, kind)  # nobody is told of their own doing
    assert await _notified(svc, "bob") == [notifications.BOOST, notifications.LIKE]
    assert await _notified(svc, "alice") == []
    # A local author is told here, not sent anything; the Likes are stored to be fetched.
    assert [inboxes for _, inboxes in await _sent(svc, "Like")] == [[], []]
    await actions.undo(svc, "alice", post.uri, reactions.LIKE)
    assert await _notified(svc, "bob") == [notifications.BOOST]
    await actions.undo(svc, "alice", post.uri, reactions.ANNOUNCE)
    assert await _notified(svc, "bob") == []


async def test_only_public_and_unlisted_posts_are_boosted(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory, trent = await _mallory_and_trent(svc)
    private = await _remote_post(svc, mallory, 1, "private")
    with pytest.raises(actions.ActionError, match="only public or unlisted posts"):
        await actions.react(svc, "alice", private.uri, reactions.ANNOUNCE)
    assert await _sent(svc, "Announce") == []

    public = await _remote_post(svc, mallory, 2, "unlisted")
    await actions.react(svc, "alice", public.uri, reactions.ANNOUNCE)
    [(announce, inboxes)] = await _sent(svc, "Announce")
    assert announce["to"] == [PUBLIC] and announce["object"] == public.uri
    assert announce["cc"] == [mallory.uri, f"{svc.urls.actor('alice')}/followers"]
    assert announce["published"].endswith("Z")
    # The booster's followers and the post's author.
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.inbox_url])
    await actions.undo(svc, "alice", public.uri, reactions.ANNOUNCE)
    [(undo, undo_inboxes)] = await _sent(svc, "Undo")
    assert undo["object"]["type"] == "Announce" and undo_inboxes == inboxes


async def test_only_the_author_deletes_and_everyone_who_got_it_hears(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    mallory, trent = await _mallory_and_trent(svc)
    post = await make_post(svc, Draft("alice", "a lighthouse at dusk"))
    async with svc.sessions.begin() as session:
        media = (await session.execute(select(MediaAttachment))).scalars().one()
        await session.execute(delete(Follow))  # trent unfollows after receiving the Create
    await _follow(svc, mallory, "alice")
    await actions.react(svc, "bob", post.uri, reactions.LIKE)
    note_path = post.uri.removeprefix(svc.urls.base)

    with pytest.raises(actions.ActionError, match="only its author can delete it"):
        await actions.delete_post(svc, "bob", post.uri)
    assert (await http.get(note_path, headers={"Accept": AS2})).status_code == 200

    await actions.delete_post(svc, "alice", post.url or "")
    [(doc, inboxes)] = await _sent(svc, "Delete")
    assert doc["object"] == {"id": post.uri, "type": "Tombstone"} and doc["to"] == [PUBLIC]
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.shared_inbox_url or ""])
    async with svc.sessions() as session:
        stored = await session.get(Post, post.id)
        assert stored is not None and stored.deleted_at is not None
        assert (stored.content_html, stored.caption, stored.prompt) == ("", "", None)
        assert await session.scalar(select(MediaAttachment)) is None
        assert await session.scalar(select(Reaction)) is None
        assert await session.scalar(select(Notification)) is None
    assert media.file_name and not (svc.media_dir / media.file_name).exists()

    tombstone = await _gone(http, note_path)
    assert tombstone == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": post.uri,
        "type": "Tombstone",
        "formerType": "Note",
        "deleted": tombstone["deleted"],
    }
    outbox = await http.get("/users/alice/outbox", headers={"Accept": AS2})
    assert (await outbox.get_json(force=True))["totalItems"] == 0
    with pytest.raises(UserError, match="was deleted"):
        await actions.delete_post(svc, "alice", post.uri)


async def test_a_deleted_account_says_so_to_every_inbox_that_knew_it(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    mallory, trent = await _mallory_and_trent(svc)
    mallory_post = await _remote_post(svc, mallory, 1, "public")
    await actions.react(svc, "alice", mallory_post.uri, reactions.LIKE)  # reached mallory
    await make_post(svc, Draft("alice", "a kite"))

    assert await delete_account(svc, "alice") == 2
    [(doc, inboxes)] = await _sent(svc, "Delete")
    assert doc["object"] == doc["actor"] == svc.urls.actor("alice")
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.inbox_url])
    async with svc.sessions() as session:
        alice = await session.scalar(select(Account).where(Account.username == "alice"))
        assert alice is not None and alice.suspended_at and alice.private_key_pem
        assert await session.scalar(select(Post).where(Post.account_id == alice.id)) is None
        assert await session.scalar(select(Follow)) is None
        assert await session.scalar(select(Reaction)) is None
        assert await session.scalar(select(User).where(User.account_id == alice.id)) is None

    await _gone(http, "/users/alice")
    host = svc.settings.instance.host
    webfinger = await http.get(f"/.well-known/webfinger?resource=acct:alice@{host}")
    assert webfinger.status_code == 404
    delete_path = doc["id"].removeprefix(svc.urls.base)
    assert (await http.get(delete_path, headers={"Accept": AS2})).status_code == 200
    with pytest.raises(AccountError, match="no local user"):
        await actions.react(svc, "alice", mallory_post.uri, reactions.LIKE)


async def test_no_like_boost_or_reply_across_a_block_either_way(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory = await _remote(svc, "mallory", "remote.example")
    post = await _remote_post(svc, mallory, 1, "public")
    async with svc.sessions() as session:
        alice = await session.scalar(select(Account).where(Account.username == "alice"))
    assert alice is not None
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: actions.react(svc, "alice", post.uri, reactions.LIKE),
        lambda: actions.react(svc, "alice", post.uri, reactions.ANNOUNCE),
        lambda: make_post(svc, Draft("alice", "a reply", in_reply_to=post.uri)),
    ]
    for blocker, target, says in [
        (alice, mallory, "alice blocks mallory@remote.example: unblock them to"),
        (mallory, alice, "mallory@remote.example blocks alice: you cannot"),
    ]:
        async with svc.sessions.begin() as session:
            await session.execute(delete(Block))
            session.add(Block(account_id=blocker.id, target_id=target.id, uri=f"{blocker.uri}/b"))
        for attempt in attempts:
            with pytest.raises(UserError, match=says):
                await attempt()
    async with svc.sessions() as session:
        assert await session.scalar(select(OutboundActivity)) is None
        assert await session.scalar(select(Reaction)) is None
        assert await session.scalar(select(Post).where(Post.local)) is None


async def test_a_delete_reaches_those_an_edit_reached_and_those_mentioned_now(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory, trent = await _mallory_and_trent(svc)
    victor = await _remote(svc, "victor", "third.example")
    wendy = await _remote(svc, "wendy", "fourth.example")
    await _remote(svc, "yvonne", "fifth.example")
    post = await make_post(svc, Draft("alice", "a kite"))  # the Create reaches trent
    await updates.edit(svc, "alice", post.uri, updates.Edit(caption="for @mallory@remote.example"))
    await updates.edit(svc, "alice", post.uri, updates.Edit(caption="for @victor@third.example"))
    other = await make_post(svc, Draft("alice", "a boat"))
    await updates.edit(svc, "alice", other.uri, updates.Edit(caption="@yvonne@fifth.example"))
    async with svc.sessions.begin() as session:
        await session.execute(delete(Follow))  # trent unfollows
        # A mention the edits did not deliver to (stored before deliveries were recorded).
        session.add(Mention(post_id=post.id, account_id=wendy.id))
    await actions.delete_post(svc, "alice", post.uri)
    [(_, inboxes)] = await _sent(svc, "Delete")
    # mallory was mentioned only by the first edit, which is all that gave her a copy;
    # yvonne got an edit of another post only.
    expected = [trent, mallory, victor, wendy]
    assert inboxes == sorted(account.shared_inbox_url or "" for account in expected)


async def test_a_local_user_an_edit_newly_mentions_is_told_once(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    post = await make_post(svc, Draft("alice", "a kite"))
    assert await _notified(svc, "bob") == []
    for caption in ("for @bob", "still for @bob", "for nobody", "for @bob again"):
        await updates.edit(svc, "alice", post.uri, updates.Edit(caption=caption))
    # Told once: a notification is kept for each (kind, post), and a mention dropped and
    # added back again does not repeat it.
    assert await _notified(svc, "bob") == ["mention"]
