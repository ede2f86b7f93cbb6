"""Database trouble in words (storage.trouble): real errors from each backend are told apart
from bugs, and worded with what to do."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.db import create_engine, is_sqlite
from storage.trouble import Trouble, trouble
from tests.support.servers import free_port


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database with one table, t(x)."""
    made = create_engine(db_url)
    async with made.begin() as conn:
        await conn.execute(text("CREATE TABLE t (x integer PRIMARY KEY, data text)"))
    yield made
    await made.dispose()


async def _raised(engine: AsyncEngine, *statements: str) -> BaseException:
    with pytest.raises(DBAPIError) as caught:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    return caught.value


async def test_a_read_only_database(engine: AsyncEngine, db_url: str) -> None:
    # SQLite: query_only fails writes as a read-only file does (SQLITE_READONLY); PostgreSQL:
    # a read-only transaction, as on a standby (25006).
    first = "PRAGMA query_only=ON" if is_sqlite(db_url) else "SET TRANSACTION READ ONLY"
    found = trouble(await _raised(engine, first, "INSERT INTO t (x) VALUES (1)"))
    assert found is not None and found.cause.startswith("is read-only")


async def test_bugs_are_not_trouble(engine: AsyncEngine) -> None:
    duplicate = await _raised(engine, *["INSERT INTO t (x) VALUES (1)"] * 2)
    assert trouble(duplicate) is None
    assert trouble(await _raised(engine, "SELECT * FROM no_such_table")) is None
    assert trouble(await _raised(engine, "SELEKT 1")) is None
    assert trouble(ValueError("not from a database")) is None


async def test_a_locked_sqlite_database(tmp_path: Path) -> None:
    path = f"{tmp_path}/locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x integer)")
    holder.execute("BEGIN IMMEDIATE")  # another process writing
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0.05})
    try:
        found = trouble(await _raised(engine, "INSERT INTO t (x) VALUES (1)"))
    finally:
        await engine.dispose()
        holder.close()
    assert found is not None and found.cause == "is locked by another process"


async def test_a_full_sqlite_database(tmp_path: Path) -> None:
    """max_page_count caps the file: SQLite then answers as on a full disk (SQLITE_FULL)."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/full.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (data blob)"))
        error = await _raised(
            engine,
            "PRAGMA max_page_count = 4",
            "INSERT INTO t (data) VALUES (zeroblob(100000))",
        )
    finally:
        await engine.dispose()
    found = trouble(error)
    assert found is not None and found.cause.startswith("is full")


async def test_a_database_that_cannot_be_had(tmp_path: Path) -> None:
    cases = [
        (f"sqlite+aiosqlite:///{tmp_path}", "cannot be opened"),  # a directory
        (f"postgresql+asyncpg://u:secret@127.0.0.1:{free_port()}/x", "cannot be reached"),
    ]
    for url, cause in cases:
        engine = create_engine(url)
        try:
            found = trouble(await _raised(engine, "SELECT 1"))
        finally:
            await engine.dispose()
        assert found is not None and found.cause.startswith(cause), url
        line = found.describe(url)
        assert line.startswith("the database at ") and "secret" not in line


@dataclass
class _Orig(Exception):
    sqlstate: str | None = None


@pytest.mark.parametrize(
    ("sqlstate", "cause"),
    [
        ("53100", "is full"),
        ("25006", "is read-only"),
        ("08006", "cannot be reached"),
        ("57P03", "is shutting down or starting up"),
        ("3D000", "does not exist"),
        ("28P01", "refused to log us in"),
        ("40P01", "is busy"),
        ("42601", None),  # a syntax error: a bug
        ("23505", None),  # a unique violation: a bug, or a race to handle where it happens
    ],
)
def test_postgresql_states(sqlstate: str, cause: str | None) -> None:
    found = trouble(DBAPIError("INSERT …", None, _Orig(sqlstate)))
    if cause is None:
        assert found is None
    else:
        assert found is not None and found.cause.startswith(cause)


def test_describe() -> None:
    line = Trouble("is read-only", "check it").describe("postgresql+asyncpg://u:pw@db/impasto")
    assert line == "the database at postgresql+asyncpg://u:***@db/impasto is read-only: check it"
