"""The home timeline: one's own posts and those of accounts one follows, in the order they
were published (not the order they arrived), paged by id; and boosts by followed accounts of
posts this server did not have, fetched from their origin."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain.reactions import on_announce
from fedi.federation.actors import get_actor
from storage import timelines
from tests.support import rows
from tests.support.origin import Origin, running_origin
from tests.support.peer import Peer, PeerActor, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _create(actor: PeerActor, n: int, published: str, **extra: Any) -> dict[str, Any]:
    note = {
        "id": f"{actor.id}/notes/{n}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>{actor.name} says {n} &amp; more</p>",
        "published": published,
        "to": [f"{AS}#Public"],
        **extra,
    }
    return {
        "@context": AS,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.id,
        "object": note,
    }


def _timeline(server: Server, *args: str) -> list[dict[str, Any]]:
    return json.loads(run_cli(server.config, "timeline", "alice", "--json", *args))


async def test_home_shows_own_and_followed_posts_by_publishing_time(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox = f"{server.base}/inbox"
    alice = f"{server.base}/users/alice"

    await asyncio.to_thread(
        run_cli, server.config, "follow", "alice", f"mallory@127.0.0.1:{remote.port}"
    )
    follow = await asyncio.to_thread(
        wait_for,
        lambda: next((r.json for r in remote.received if r.json["type"] == "Follow"), None),
    )
    accept = {
        "@context": AS,
        "id": f"{mallory.id}#accepts/1",
        "type": "Accept",
        "actor": mallory.id,
        "object": follow,
    }
    assert await deliver(mallory, inbox, accept) == 202

    await asyncio.to_thread(run_cli, server.config, "post", "alice", "a lighthouse")
    # Delivered newest first: the timeline must still be in publishing order.
    assert await deliver(mallory, inbox, _create(mallory, 2, "2026-11-20T10:00:00Z")) == 202
    assert await deliver(mallory, inbox, _create(mallory, 1, "2026-11-19T10:00:00Z")) == 202
    # Someone alice does not follow, mentioning her: a notification, not her home timeline.
    mention = [{"type": "Mention", "href": alice}]
    assert (
        await deliver(trent, inbox, _create(trent, 1, "2026-11-21T10:00:00Z", tag=mention)) == 202
    )

    def texts() -> list[str]:
        return [entry["text"] for entry in _timeline(server)]

    expected = ["🎨 Made with", "mallory says 2 & more", "mallory says 1 & more"]
    await asyncio.to_thread(
        wait_for,
        lambda: [t[: len(e)] for t, e in zip(texts(), expected)] == expected and len(texts()) == 3,
    )
    first = await asyncio.to_thread(_timeline, server, "--limit", "1")
    rest = await asyncio.to_thread(_timeline, server, "--max-id", first[0]["id"])
    everything = await asyncio.to_thread(_timeline, server)
    assert [entry["id"] for entry in first + rest] == [entry["id"] for entry in everything]
    assert rest[0]["account"] == f"mallory@127.0.0.1:{remote.port}"


@pytest.fixture
async def origin(svc: Services, keypair: tuple[str, str]) -> AsyncIterator[Origin]:
    """A fake server with carol's and dave's notes 0 … 4."""
    async with running_origin(svc, keypair, 5) as host:
        yield host


async def test_a_boost_of_an_unknown_post_is_fetched_only_for_followed_boosters(
    svc: Services, origin: Origin
) -> None:
    carol = await get_actor(svc, origin.carol.id)

    def announce(n: int) -> Activity:
        """carol boosts dave's note n."""
        boosted = origin.url(n, "dave")
        return Activity(f"{carol.uri}/announces/{n}", "Announce", carol.uri, boosted, None, (), ())

    await on_announce(svc, announce(3))  # nobody here follows carol: dropped, nothing fetched
    assert origin.asked == []
    async with svc.sessions.begin() as session:
        viewer = rows.account(f"{svc.urls.base}/users/viewer", "viewer", None)
        session.add(viewer)
        await session.flush()
        session.add(rows.accepted_follow(f"{viewer.uri}/follows/1", viewer.id, carol.id))
    await on_announce(svc, announce(3))
    await on_announce(svc, announce(3))  # again: nothing new
    await on_announce(svc, announce(9))  # gone at its origin: dropped quietly
    assert origin.asked == [3, 9]
    async with svc.reads() as session:
        home = await timelines.home(session, viewer.id)
    assert [(e.post.uri, e.booster.uri if e.booster else None) for e in home] == [
        (origin.url(3, "dave"), carol.uri)
    ]
    assert home[0].author.uri == origin.dave.id and home[0].id != home[0].post.id
