"""Shared fixtures: databases on every configured backend, keypairs, test instances."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from activitypub.keys import generate_rsa_keypair
from fedi.core.services import Services
from fedi.core.settings import Settings, load_settings
from storage.migrate import upgrade
from tests.support.databases import DatabaseFactory, backends
from tests.support.servers import free_port, write_config


@pytest.fixture(params=backends())
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseFactory]:
    """Makes fresh databases on this run's backend(s): SQLite always, PostgreSQL when named."""
    factory = DatabaseFactory(request.param, tmp_path)
    yield factory
    factory.drop_all()


@pytest.fixture
def db_url(databases: DatabaseFactory) -> str:
    """URL of one fresh, empty database."""
    return databases.new_url()


@pytest.fixture(scope="session")
def keypair() -> tuple[str, str]:
    """An RSA key pair (private PEM, public PEM), made once per run."""
    return generate_rsa_keypair()


@pytest.fixture
def config_path(tmp_path: Path, db_url: str) -> Path:
    """A config file for a loopback test instance on a free port, database migrated."""
    path = write_config(tmp_path / "config.toml", port=free_port(), database_url=db_url)
    asyncio.run(_migrate(load_settings(path)))
    return path


async def _migrate(settings: Settings) -> None:
    svc = Services.create(settings)
    try:
        await upgrade(svc.engine)
    finally:
        await svc.close()


@pytest.fixture
async def svc(config_path: Path) -> AsyncIterator[Services]:
    """Services of a migrated test instance (no HTTP server running)."""
    services = Services.create(load_settings(config_path))
    try:
        yield services
    finally:
        await services.close()
