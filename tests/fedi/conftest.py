"""Fixtures for tests that talk to a running `impasto serve`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain.accounts import create_user
from fedi.web.app import create_app
from tests.support.databases import DatabaseFactory
from tests.support.pair import Instance, start_instance
from tests.support.peer import Peer
from tests.support.servers import Server, free_port, run_cli, write_config


@pytest.fixture
async def server(tmp_path: Path, databases: DatabaseFactory) -> AsyncIterator[Server]:
    """`impasto serve` on a fresh database, with a local user alice."""

    def start() -> Server:
        port = free_port()
        config = write_config(tmp_path / "config.toml", port=port, database_url=databases.new_url())
        run_cli(config, "init")
        run_cli(config, "user", "create", "alice")
        return Server(config, port, tmp_path / "server.log").start()

    running = await asyncio.to_thread(start)
    yield running
    await asyncio.to_thread(running.stop)


@pytest.fixture
async def remote() -> AsyncIterator[Peer]:
    """A fake remote server on loopback, hosting mallory and trent."""
    peer = await Peer().start()
    peer.add_actor("mallory")
    peer.add_actor("trent")
    yield peer
    await peer.stop()


@pytest.fixture
async def pair(
    tmp_path: Path, databases: DatabaseFactory
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Two running Impasto servers: alice's (A) and bob's (B). Neither follows the other yet;
    `tests.support.pair.follow(b, a)` makes bob follow alice."""
    # One after the other: Alembic's migration context is process-global.
    a = await asyncio.to_thread(start_instance, tmp_path, databases, "alice")
    b = await asyncio.to_thread(start_instance, tmp_path, databases, "bob")
    yield a, b
    await asyncio.gather(asyncio.to_thread(a.server.stop), asyncio.to_thread(b.server.stop))


@pytest.fixture
async def client(config_path: Path) -> AsyncIterator[tuple[Client, Services]]:
    """The app in-process without its workers (queued deliveries stay in the database to be
    read), with a local user alice (display name Alice): its test client and services."""
    app = create_app(load_settings(config_path), workers=False)
    async with app.test_app() as test_app:
        svc: Services = app.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice", display_name="Alice")
        yield test_app.test_client(), svc
