"""A blocked server: nothing comes in from it, nothing goes out to it, and what we had with it
(follows, queued deliveries) ends."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Follow
from tests.support.inspect import query
from tests.support.peer import Peer, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _follows(server: Server) -> int:
    async def read(session: AsyncSession) -> int:
        return int((await session.execute(select(func.count()).select_from(Follow))).scalar_one())

    return query(server.config, read)


async def test_nothing_in_nothing_out(server: Server, remote: Peer) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox, alice = f"{server.base}/inbox", f"{server.base}/users/alice"
    domain = f"127.0.0.1:{remote.port}"
    follow = {
        "@context": AS,
        "id": f"{mallory.id}#f/1",
        "type": "Follow",
        "actor": mallory.id,
        "object": alice,
    }
    assert await deliver(mallory, inbox, follow) == 202
    await asyncio.to_thread(wait_for, lambda: _follows(server) == 1)

    out = await asyncio.to_thread(run_cli, server.config, "admin", "block-domain", domain.upper())
    assert out.strip() == f"blocked {domain}"
    assert (
        await asyncio.to_thread(run_cli, server.config, "admin", "blocked-domains")
    ).split() == [domain]
    assert await asyncio.to_thread(_follows, server) == 0  # the follow ended with the block

    # Nothing in: activities from the blocked server are refused (after the cache refresh).
    again = {**follow, "id": f"{trent.id}#f/2", "actor": trent.id}
    await asyncio.sleep(5.5)
    assert await deliver(trent, inbox, again) in (401, 403)
    assert await asyncio.to_thread(_follows, server) == 0

    # Nothing out: alice cannot follow anyone there.
    with pytest.raises(RuntimeError, match="is blocked on this server"):
        await asyncio.to_thread(run_cli, server.config, "follow", "alice", f"trent@{domain}")
    assert [r for r in remote.received if r.json.get("type") == "Follow"] == []

    # Lifting the block lets them in again.
    await asyncio.to_thread(run_cli, server.config, "admin", "unblock-domain", domain)
    await asyncio.sleep(5.5)
    assert await deliver(trent, inbox, {**again, "id": f"{trent.id}#f/3"}) == 202
