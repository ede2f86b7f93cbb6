"""A remote Follow of a local account an admin suspended is rejected and kept nowhere (the
account takes no new followers while suspended); once unsuspended it is accepted again."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Follow
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, activity
from tests.support.servers import Server, run_cli, wait_for


def _follow_states(server: Server) -> list[str]:
    async def read(session: AsyncSession) -> list[str]:
        return list((await session.execute(select(Follow.state))).scalars())

    return query(server.config, read)


def _sent(remote: Peer, kind: str) -> list[dict[str, Any]]:
    return [r.json for r in remote.received if r.json["type"] == kind]


async def test_a_follow_of_a_suspended_account_is_rejected(server: Server, remote: Peer) -> None:
    mallory = remote.actors["mallory"]
    alice = f"{server.base}/users/alice"
    await asyncio.to_thread(run_cli, server.config, "user", "suspend", "alice")
    first = activity("Follow", mallory, alice, 1)
    assert await deliver_handled(server, mallory, first) == "done"
    rejects = await asyncio.to_thread(wait_for, lambda: _sent(remote, "Reject"))
    assert [r["object"]["id"] for r in rejects] == [first["id"]]
    assert await asyncio.to_thread(_follow_states, server) == []

    await asyncio.to_thread(run_cli, server.config, "user", "unsuspend", "alice")
    second = activity("Follow", mallory, alice, 2)
    assert await deliver_handled(server, mallory, second) == "done"
    accepts = await asyncio.to_thread(wait_for, lambda: _sent(remote, "Accept"))
    assert [a["object"]["id"] for a in accepts] == [second["id"]]
    assert await asyncio.to_thread(_follow_states, server) == ["accepted"]
