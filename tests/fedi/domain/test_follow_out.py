"""Following a remote account: the follow waits for the followed actor's Accept; an Accept
from anyone else has no effect, and a Reject ends it."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Follow
from tests.support.inspect import handled, query
from tests.support.peer import Peer, activity, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _states(server: Server) -> list[str]:
    async def read(session: AsyncSession) -> list[str]:
        return list((await session.execute(select(Follow.state))).scalars())

    return query(server.config, read)


async def _follow(server: Server, remote: Peer, name: str) -> dict[str, Any]:
    handle = f"{name}@127.0.0.1:{remote.port}"
    await asyncio.to_thread(run_cli, server.config, "follow", "alice", handle)
    return await asyncio.to_thread(
        wait_for,
        lambda: next(
            (
                r.json
                for r in remote.received
                if r.json["type"] == "Follow" and r.json["object"].endswith(f"/{name}")
            ),
            None,
        ),
    )


async def test_only_the_followed_actor_answers(server: Server, remote: Peer) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox = f"{server.base}/inbox"
    follow = await _follow(server, remote, "mallory")
    assert await asyncio.to_thread(_states, server) == ["pending"]

    forged = activity("Accept", trent, follow, 1)  # trent accepts a follow of mallory
    assert await deliver(trent, inbox, forged) == 202
    await asyncio.to_thread(wait_for, lambda: handled(server.config, forged["id"]))
    assert await asyncio.to_thread(_states, server) == ["pending"]

    assert await deliver(mallory, inbox, activity("Accept", mallory, follow, 2)) == 202
    await asyncio.to_thread(wait_for, lambda: _states(server) == ["accepted"])


async def test_a_reject_ends_the_follow(server: Server, remote: Peer) -> None:
    trent = remote.actors["trent"]
    follow = await _follow(server, remote, "trent")
    assert await deliver(trent, f"{server.base}/inbox", activity("Reject", trent, follow, 1)) == 202
    await asyncio.to_thread(wait_for, lambda: _states(server) == [])
