"""The home timeline: one's own posts and those of accounts one follows, in the order they
were published (not the order they arrived), paged by id."""

from __future__ import annotations

import asyncio
import json
from typing import Any

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
