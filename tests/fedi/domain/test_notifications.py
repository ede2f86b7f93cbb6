"""Notifications: a follow, a mention, a reply, a like and a boost from another server reach
the local user once each; an undone like or boost is taken back; paging goes newest first."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS}#Public"


def _note(actor: PeerActor, n: int, *, mention: str | None = None, reply_to: str | None = None):
    return {
        "id": f"{actor.id}/notes/{n}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>note {n}</p>",
        "to": [PUBLIC],
        "inReplyTo": reply_to,
        "tag": [{"type": "Mention", "href": mention}] if mention else [],
    }


def _notifications(server: Server, *args: str) -> list[dict[str, Any]]:
    return json.loads(run_cli(server.config, "notifications", "alice", "--json", *args))


async def test_each_cause_notifies_once_and_undo_takes_it_back(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    alice = f"{server.base}/users/alice"
    inbox = f"{server.base}/inbox"
    page = (await asyncio.to_thread(run_cli, server.config, "post", "alice", "a kite")).strip()
    note = await asyncio.to_thread(
        server.get, page.removeprefix(server.base), "application/activity+json"
    )
    post = note["id"]

    like = activity("Like", trent, post, 1)
    sent = [
        (mallory, activity("Follow", mallory, alice, 1)),
        (mallory, activity("Create", mallory, _note(mallory, 1, mention=alice), 1)),
        (trent, activity("Create", trent, _note(trent, 2, reply_to=post), 2)),
        # a reply that also mentions alice (as replies do) is one notification, a reply
        (mallory, activity("Create", mallory, _note(mallory, 3, mention=alice, reply_to=post), 3)),
        (trent, like),
        (trent, activity("Like", trent, post, 2)),  # the same like again: no second notice
        (mallory, activity("Announce", mallory, post, 1)),
    ]
    for actor, sending in sent:
        assert await deliver(actor, inbox, sending) == 202

    def kinds() -> list[tuple[str, str]]:
        return [(n["type"], n["account"].split("@")[0]) for n in _notifications(server)]

    expected = [
        ("boost", "mallory"),
        ("like", "trent"),
        ("reply", "mallory"),
        ("reply", "trent"),
        ("mention", "mallory"),
        ("follow", "mallory"),
    ]
    await asyncio.to_thread(wait_for, lambda: kinds() == expected)

    # Keyset paging: two at a time, newest first, no overlap.
    first = await asyncio.to_thread(_notifications, server, "--limit", "2")
    rest = await asyncio.to_thread(_notifications, server, "--max-id", first[-1]["id"])
    assert [n["type"] for n in first + rest] == [kind for kind, _ in expected]

    assert await deliver(trent, inbox, activity("Undo", trent, like, 1)) == 202
    await asyncio.to_thread(wait_for, lambda: ("like", "trent") not in kinds())
    assert len(await asyncio.to_thread(kinds)) == 5
