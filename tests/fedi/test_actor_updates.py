"""Remote actors change: Update(Person) refreshes the cached copy, from the actor's own server,
and only the actor itself may update it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, InboxActivity
from tests.support.databases import DatabaseFactory
from tests.support.inspect import query
from tests.support.peer import Peer, PeerActor
from tests.support.servers import Server, free_port, run_cli, wait_for, write_config


@pytest.fixture
async def server(tmp_path: Path, databases: DatabaseFactory) -> AsyncIterator[Server]:
    def start() -> Server:
        port = free_port()
        config = write_config(tmp_path / "config.toml", port=port, database_url=databases.new_url())
        run_cli(config, "init")
        run_cli(config, "user", "create", "alice")
        return Server(config, port, tmp_path / "server.log").start()

    running = await asyncio.to_thread(start)
    yield running
    await asyncio.to_thread(running.stop)


async def _post(server: Server, actor: PeerActor, activity: dict[str, object]) -> int:
    body = json.dumps(activity).encode()
    url = f"{server.base}/inbox"
    headers = {**actor.signer.sign("POST", url, body), "Content-Type": "application/activity+json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status


def _display_name(server: Server, actor: PeerActor) -> str | None:
    async def read(session: AsyncSession) -> str | None:
        return await session.scalar(select(Account.display_name).where(Account.uri == actor.id))

    return query(server.config, read)


def _handled(server: Server, activity_id: str) -> bool:
    async def read(session: AsyncSession) -> bool:
        state = await session.scalar(
            select(InboxActivity.state).where(InboxActivity.uri == activity_id)
        )
        return state is not None and state != "pending"

    return query(server.config, read)


def _update(actor: PeerActor, of: PeerActor, n: int) -> dict[str, object]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.id}#updates/{n}",
        "type": "Update",
        "actor": actor.id,
        "object": of.document(),
    }


async def test_update_person_refreshes_only_from_the_actor_itself(server: Server) -> None:
    peer = await Peer().start()
    try:
        mallory, trent = peer.add_actor("mallory"), peer.add_actor("trent")
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{mallory.id}#follows/1",
            "type": "Follow",
            "actor": mallory.id,
            "object": f"{server.base}/users/alice",
        }
        assert await _post(server, mallory, follow) == 202
        await asyncio.to_thread(wait_for, lambda: _display_name(server, mallory) == "Mallory")

        # Someone else claims mallory renamed herself: no effect, even though her server
        # would now say so if it were asked.
        mallory.display_name = "Mallory, renamed by trent"
        assert await _post(server, trent, _update(trent, mallory, 1)) == 202
        await asyncio.to_thread(wait_for, lambda: _handled(server, f"{trent.id}#updates/1"))
        assert await asyncio.to_thread(_display_name, server, mallory) == "Mallory"

        # Mallory's own Update: her document is fetched from her server and stored.
        mallory.display_name = "Mallory Q."
        assert await _post(server, mallory, _update(mallory, mallory, 2)) == 202
        await asyncio.to_thread(wait_for, lambda: _display_name(server, mallory) == "Mallory Q.")
    finally:
        await peer.stop()
