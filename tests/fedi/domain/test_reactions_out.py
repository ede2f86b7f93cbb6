"""Likes, boosts and their Undo, as a local user does them: what is recorded, what is queued
for whom, and what the activity URLs answer afterwards. The app runs without workers, so
queued deliveries stay in the database to be read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import delete, select

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import reactions
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.domain.reactions import ReactionError
from storage import notifications
from storage.models import Account, Block, OutboundActivity, Post, Reaction
from tests.support.sent import (
    AS2,
    PUBLIC,
    gone,
    mallory_and_trent,
    notified,
    remote,
    remote_post,
    sent,
)


@pytest.fixture
async def client(client: tuple[Client, Services]) -> tuple[Client, Services]:
    """tests/fedi/conftest.py's app and alice, with bob as a second local user."""
    await create_user(client[1], "bob")
    return client


async def test_a_like_is_sent_once_to_the_author_and_its_undo_follows_it(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    mallory = await remote(svc, "mallory", "remote.example")
    post = await remote_post(svc, mallory, 1, "public")

    first = await reactions.like(svc, "alice", post.uri)
    again = await reactions.like(svc, "alice", str(post.id))
    assert first.new and not again.new and again.activity_id == first.activity_id
    [(like, inboxes)] = await sent(svc, "Like")  # one Like, to the author's inbox only
    assert inboxes == [mallory.inbox_url]
    assert like["id"] == first.activity_id
    assert (like["type"], like["actor"], like["object"]) == (
        "Like",
        svc.urls.actor("alice"),
        post.uri,
    )
    path = first.activity_id.removeprefix(svc.urls.base)
    assert (await http.get(path, headers={"Accept": AS2})).status_code == 200

    await reactions.unlike(svc, "alice", post.uri)
    [(undo, undo_inboxes)] = await sent(svc, "Undo")
    assert undo["object"] == {key: value for key, value in like.items() if key != "@context"}
    assert undo["actor"] == like["actor"] and undo_inboxes == [mallory.inbox_url]
    async with svc.sessions() as session:
        assert await session.scalar(select(Reaction)) is None
    await gone(http, path)  # an undone Like no longer stands
    # Unliking what is not liked is an error that says so, and sends nothing.
    with pytest.raises(ReactionError, match="has not liked"):
        await reactions.unlike(svc, "alice", post.uri)
    assert len(await sent(svc, "Undo")) == 1


async def test_a_local_author_is_notified_of_likes_and_boosts_until_undone(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    post = await make_post(svc, Draft("bob", "a blue heron"))
    for react in (reactions.like, reactions.boost):
        await react(svc, "alice", post.url or "")
        await react(svc, "bob", post.uri)  # nobody is told of their own doing
    assert await notified(svc, "bob") == [notifications.BOOST, notifications.LIKE]
    assert await notified(svc, "alice") == []
    # A local author is told here, not sent anything; the Likes are stored to be fetched.
    assert [inboxes for _, inboxes in await sent(svc, "Like")] == [[], []]
    await reactions.unlike(svc, "alice", post.uri)
    assert await notified(svc, "bob") == [notifications.BOOST]
    await reactions.unboost(svc, "alice", post.uri)
    assert await notified(svc, "bob") == []


async def test_only_public_and_unlisted_posts_are_boosted(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory, trent = await mallory_and_trent(svc)
    private = await remote_post(svc, mallory, 1, "private")
    with pytest.raises(ReactionError, match="only public or unlisted posts"):
        await reactions.boost(svc, "alice", private.uri)
    assert await sent(svc, "Announce") == []

    public = await remote_post(svc, mallory, 2, "unlisted")
    await reactions.boost(svc, "alice", public.uri)
    [(announce, inboxes)] = await sent(svc, "Announce")
    assert announce["to"] == [PUBLIC] and announce["object"] == public.uri
    assert announce["cc"] == [mallory.uri, f"{svc.urls.actor('alice')}/followers"]
    assert announce["published"].endswith("Z")
    # The booster's followers and the post's author.
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.inbox_url])
    await reactions.unboost(svc, "alice", public.uri)
    [(undo, undo_inboxes)] = await sent(svc, "Undo")
    assert undo["object"]["type"] == "Announce" and undo_inboxes == inboxes


async def test_no_like_boost_or_reply_across_a_block_either_way(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory = await remote(svc, "mallory", "remote.example")
    post = await remote_post(svc, mallory, 1, "public")
    async with svc.sessions() as session:
        alice = await session.scalar(select(Account).where(Account.username == "alice"))
    assert alice is not None
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: reactions.like(svc, "alice", post.uri),
        lambda: reactions.boost(svc, "alice", post.uri),
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
