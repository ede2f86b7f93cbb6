"""Delete from other servers: only the author removes a note, only the actor itself removes an
account (and everything of theirs); a deleted account's farewell is answered without its key."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, InboxActivity, Post
from tests.support.inspect import query
from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _mentioning(actor: PeerActor, n: int, alice: str) -> dict[str, Any]:
    note = {
        "id": f"{actor.id}/notes/{n}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>hello {n}</p>",
        "to": [f"{AS}#Public"],
        "tag": [{"type": "Mention", "href": alice}],
    }
    return activity("Create", actor, note, n)


def _state(server: Server) -> dict[str, Any]:
    async def read(session: AsyncSession) -> dict[str, Any]:
        rows = await session.execute(select(Post.uri, Post.deleted_at.is_not(None)))
        done = await session.scalar(select(func.count()).where(InboxActivity.state != "pending"))
        names = set((await session.execute(select(Account.username))).scalars())
        return {"posts": {uri: gone for uri, gone in rows}, "handled": done, "accounts": names}

    return query(server.config, read)


async def test_only_owners_delete(server: Server, remote: Peer) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox, alice = f"{server.base}/inbox", f"{server.base}/users/alice"
    first, second = f"{mallory.id}/notes/1", f"{mallory.id}/notes/2"
    for n in (1, 2):
        assert await deliver(mallory, inbox, _mentioning(mallory, n, alice)) == 202
    await asyncio.to_thread(wait_for, lambda: len(_state(server)["posts"]) == 2)

    assert await deliver(trent, inbox, activity("Delete", trent, first, 1)) == 202  # not his
    tombstone = {"id": first, "type": "Tombstone"}
    assert await deliver(mallory, inbox, activity("Delete", mallory, tombstone, 2)) == 202
    await asyncio.to_thread(wait_for, lambda: _state(server)["handled"] >= 4)
    state = await asyncio.to_thread(_state, server)
    assert state["posts"] == {first: True, second: False}  # a tombstone; the other stands

    # trent cannot delete mallory's account; mallory can, and everything of hers goes.
    assert await deliver(trent, inbox, activity("Delete", trent, mallory.id, 3)) == 202
    await asyncio.to_thread(wait_for, lambda: _state(server)["handled"] >= 5)
    assert "mallory" in (await asyncio.to_thread(_state, server))["accounts"]
    assert await deliver(mallory, inbox, activity("Delete", mallory, mallory.id, 4)) == 202
    await asyncio.to_thread(wait_for, lambda: "mallory" not in _state(server)["accounts"])
    assert (await asyncio.to_thread(_state, server))["posts"] == {}


async def test_a_deleted_accounts_farewell_is_accepted_without_its_key(
    server: Server, remote: Peer
) -> None:
    ghost = remote.add_actor("ghost")
    del remote.actors["ghost"]  # its server now answers 404 for the actor and its key
    inbox = f"{server.base}/inbox"
    assert await deliver(ghost, inbox, activity("Delete", ghost, ghost.id, 1)) == 202
    # Anything else from an unknown key is still refused.
    assert (
        await deliver(ghost, inbox, activity("Follow", ghost, f"{server.base}/users/alice", 1))
        == 401
    )
