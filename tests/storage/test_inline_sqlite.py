"""The read session of a page (`Services.reads.one`) on SQLite runs its statements in the event
loop's own thread, answers as the other sessions do, and cannot write."""

from __future__ import annotations

import threading
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from fedi.core.services import Services
from storage.db import is_sqlite
from storage.models import Account
from tests.support import rows

URI = "http://127.0.0.1:8010/users/zed"


@pytest.fixture
def sqlite_svc(svc: Services) -> Services:
    if not is_sqlite(svc.settings.database.url):
        pytest.skip("PostgreSQL: asyncpg has no thread to skip")
    return svc


async def test_statements_of_one_read_run_in_the_loops_thread(sqlite_svc: Services) -> None:
    svc = sqlite_svc
    async with svc.sessions.begin() as session:
        session.add(rows.account(URI, "zed", None, display_name="Zed ☕"))
    assert svc.page_engine is not None
    threads: list[int] = []

    def seen(*_: Any) -> None:
        threads.append(threading.get_ident())

    event.listen(svc.page_engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with svc.reads.one():
            async with svc.reads() as session:  # the task's reads share the one session
                inline = await session.scalar(select(Account).where(Account.uri == URI))
    finally:
        event.remove(svc.page_engine.sync_engine, "before_cursor_execute", seen)
    async with svc.reads() as session:  # an ordinary read session, through aiosqlite
        threaded = await session.scalar(select(Account).where(Account.uri == URI))
    assert threads and set(threads) == {threading.get_ident()}
    assert inline is not None and threaded is not None
    assert (inline.id, inline.display_name) == (threaded.id, "Zed ☕")
    assert inline.created_at == threaded.created_at and inline.created_at.tzinfo == UTC


async def test_one_read_cannot_write(sqlite_svc: Services) -> None:
    with pytest.raises(OperationalError, match="readonly"):
        async with sqlite_svc.reads.one() as session:
            await session.execute(text("DELETE FROM accounts"))
