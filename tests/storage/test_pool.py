"""PostgreSQL's pooled connections: one that died while idle in the pool (the server restarted,
or closed idle sessions) is found by a ping and replaced, so the next request does not fail;
one used moments ago is not pinged (a ping costs three round trips)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.db import create_engine, is_sqlite
from tests.support.databases import _admin


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    if is_sqlite(db_url):
        pytest.skip("a SQLite connection is a file: nothing to ping")
    made = create_engine(db_url, pool_size=1)
    yield made
    await made.dispose()


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


def _pings(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The pings sent from now on (asyncpg's adapter's own ping, counted)."""
    seen: list[Any] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: Any) -> None:
        seen.append(self)
        ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    return seen


async def test_a_connection_that_died_idle_in_the_pool_is_replaced(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await _backend(engine)
    await _admin(f"SELECT pg_terminate_backend({first})")  # as a restart or idle timeout does
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    second = await _backend(engine)  # no error: the ping found it dead, another was opened
    assert second != first


async def test_a_connection_used_moments_ago_is_not_pinged(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _pings(monkeypatch)
    for _ in range(3):
        await _backend(engine)
    assert pings == []


async def test_a_connection_idle_past_the_limit_is_pinged_once(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _pings(monkeypatch)
    await _backend(engine)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    await _backend(engine)
    assert len(pings) == 1
