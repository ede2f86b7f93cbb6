"""Pinned posts: at most five of one's own, served newest pin first as full Notes in the
actor's `featured` collection; followers hear Add and Remove, as Mastodon sends them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.support.inspect import deliver_handled
from tests.support.peer import Peer, activity
from tests.support.servers import Server, run_cli, wait_for


def _featured(server: Server) -> dict[str, Any]:
    doc: dict[str, Any] = server.get(
        "/users/alice/collections/featured", "application/activity+json"
    )
    return doc


async def test_pins_are_featured_newest_first_and_limited_to_five(
    server: Server, remote: Peer
) -> None:
    mallory = remote.actors["mallory"]
    alice = f"{server.base}/users/alice"
    follow = activity("Follow", mallory, alice, 1)
    await deliver_handled(server, mallory, follow)
    await asyncio.to_thread(run_cli, server.config, "user", "create", "bob")

    def post(user: str, n: int) -> str:
        return run_cli(server.config, "post", user, f"picture {n}", "--caption", f"n{n}").strip()

    pages = [await asyncio.to_thread(post, "alice", n) for n in range(6)]
    for page in pages[:5]:
        await asyncio.to_thread(run_cli, server.config, "pin", "alice", page)
    await asyncio.to_thread(run_cli, server.config, "pin", "alice", pages[0])  # again: no-op
    with pytest.raises(RuntimeError, match="at most 5 posts"):
        await asyncio.to_thread(run_cli, server.config, "pin", "alice", pages[5])
    bobs = await asyncio.to_thread(post, "bob", 9)
    with pytest.raises(RuntimeError, match="not a post of alice"):
        await asyncio.to_thread(run_cli, server.config, "pin", "alice", bobs)

    featured = await asyncio.to_thread(_featured, server)
    assert featured["type"] == "OrderedCollection" and featured["totalItems"] == 5
    items = featured["orderedItems"]
    assert [item["url"] for item in items] == pages[4::-1]  # newest pin first
    assert all(item["type"] == "Note" and item["attributedTo"] == alice for item in items)
    assert items[0]["content"].startswith("<p>n4</p>") and items[0]["attachment"]

    await asyncio.to_thread(run_cli, server.config, "unpin", "alice", pages[2])
    await asyncio.to_thread(run_cli, server.config, "pin", "alice", pages[5])
    featured = await asyncio.to_thread(_featured, server)
    assert [item["url"] for item in featured["orderedItems"]] == [
        pages[5],
        pages[4],
        pages[3],
        pages[1],
        pages[0],
    ]

    def told(kind: str) -> list[dict[str, Any]]:
        return [r.json for r in remote.received if r.json["type"] == kind]

    adds = await asyncio.to_thread(wait_for, lambda: len(told("Add")) == 6 and told("Add"))
    assert {a["target"] for a in adds} == {f"{alice}/collections/featured"}
    removes = await asyncio.to_thread(wait_for, lambda: told("Remove"))
    assert removes[0]["object"] == items[2]["id"]
