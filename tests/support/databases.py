"""Fresh databases for tests: a SQLite file, or a new PostgreSQL database per use."""

from __future__ import annotations

import asyncio
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

# Set by .ci/run (and by anyone who wants the PostgreSQL run): the suite then runs every
# database test on both SQLite and this server, and fails if it is unreachable.
POSTGRES_ENV = "IMPASTO_TEST_DATABASE_URL"


def backends() -> list[str]:
    """The database backends this run covers."""
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV) else ["sqlite"]


def _admin_sync(sql: str) -> None:
    """Run an admin statement from sync or async test code (in its own thread and loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin(sql)).result()


async def _admin(sql: str) -> None:
    admin = create_async_engine(os.environ[POSTGRES_ENV], isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await admin.dispose()


class DatabaseFactory:
    """Makes fresh, empty databases of one backend and drops them afterwards."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self.tmp_path = tmp_path
        self.created: list[str] = []

    def new_url(self) -> str:
        """URL of a new empty database."""
        name = f"impasto_test_{secrets.token_hex(6)}"
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.tmp_path / (name + '.db')}"
        _admin_sync(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return (
            make_url(os.environ[POSTGRES_ENV])
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def drop_all(self) -> None:
        """Drop the PostgreSQL databases made for this test."""
        for name in self.created:
            _admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
