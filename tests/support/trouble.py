"""Database trouble on demand: a database that takes no writes, as a read-only file or a
read-only server gives, on either backend.

Tests run as root, whom file permissions do not stop, so a chmod'ed SQLite file would still be
written. SQLite is made read-only per connection instead (PRAGMA query_only), which fails
writes with the very error a read-only file gives: SQLITE_READONLY, "attempt to write a
readonly database". PostgreSQL is made read-only for new sessions (default_transaction_read_only),
as on a standby: SQLSTATE 25006.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from storage.db import is_sqlite
from tests.support.databases import _admin_sync


def _query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


@contextmanager
def read_only(url: str) -> Iterator[None]:
    """While this lasts, new connections to the database at `url` cannot write (on SQLite:
    every new connection of this process; pooled ones are as they were)."""
    if is_sqlite(url):
        event.listen(Engine, "connect", _query_only)
        try:
            yield
        finally:
            event.remove(Engine, "connect", _query_only)
        return
    name = make_url(url).database
    _admin_sync(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        yield
    finally:
        _admin_sync(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')


async def new_connections(engine: AsyncEngine) -> None:
    """From now on `engine` makes new connections (which see what `read_only` set); its pooled
    ones are closed once they are back. Unlike `engine.dispose()`, which leaves a connection
    checked out meanwhile (the stream hub polls every moment) to a pool no one holds, where it
    is garbage-collected unclosed, and which lets a checkout during its own closing awaits make
    a connection in the pool it is disposing."""
    old = engine.sync_engine.pool
    engine.sync_engine.pool = old.recreate()  # no await: every checkout from here is the new
    deadline = time.monotonic() + 30
    # Polled: the pool's checkin event comes before the connection is back in the pool.
    while old.checkedout() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await greenlet_spawn(old.dispose)
