"""Engine and session factory: SQLite (WAL, busy timeout) or PostgreSQL via asyncpg, same code."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.inline_sqlite import inline_creator


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; NORMAL sync is durable across process
    # crashes in WAL mode (only an OS crash can lose the last commits); busy_timeout makes a
    # second process (CLI beside `serve`) wait for the write lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Let SQLAlchemy's "begin" event start transactions (below), not the driver.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front (waiting up to busy_timeout). A deferred
    # BEGIN that reads first and writes later fails at once with SQLITE_BUSY when another
    # connection wrote in between (WAL snapshot conflict): no busy timeout can save it.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    # aiosqlite (0.22) leaves the worker thread of a connection that failed to open to stop on
    # its own (omnilib/aiosqlite#389): when the event loop closes first, as it does for a CLI
    # command that fails at once, that thread dies with a traceback on stderr. Wait for it.
    before = set(threading.enumerate())
    try:
        return dialect.connect(*cargs, **cparams)
    except BaseException:
        for thread in set(threading.enumerate()) - before:
            if thread.name.endswith("(_connection_worker_thread)"):
                thread.join(timeout=1.0)
        raise


def _sqlite_read_pragmas(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")  # a write through the read engine is a bug: fail
    cursor.close()


def _sqlite_begin_read(connection: Any) -> None:
    # A deferred BEGIN: in WAL mode a reader takes a snapshot and never waits for the writer.
    connection.exec_driver_sql("BEGIN")


def _connect_or_say_why(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    # asyncpg raises a bare OSError (connection refused, unknown host) that SQLAlchemy passes
    # on unwrapped; as the driver's own OperationalError it arrives as every other database
    # error does (sqlalchemy.exc.OperationalError), for storage.trouble to word.
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as exc:
        raise dialect.loaded_dbapi.OperationalError(str(exc), exc) from exc


# A pooled PostgreSQL connection is pinged before use only when it has sat idle this long: one
# used moments ago is taken as alive. (SQLAlchemy's pool_pre_ping pings at every checkout, and
# asyncpg's ping is three round trips: BEGIN, a statement, ROLLBACK; a home timeline request is
# three statements.) A server restarted within that time fails the requests that meet its
# closed connections, and the pool then replaces every connection older than the failure.
IDLE_BEFORE_PING = 5.0


def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:  # the pool discards it and takes another (DisconnectionError)
        raise DisconnectionError(f"a pooled connection did not answer: {exc}") from exc


def is_sqlite(url: str) -> bool:
    """True when the database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Create the async engine for a database URL, with the per-backend settings we rely on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One write connection per process: SQLite has one writer anyway, and waiting for the
        # pool is an asyncio wait, while waiting in SQLite's busy handler is a sleep that
        # backs off to 100 ms. (Other processes, like the CLI beside `serve`, still meet the
        # busy timeout.) No write transaction may open another: it would wait for itself.
        engine = create_async_engine(
            parsed, connect_args={"timeout": 10}, pool_size=1, max_overflow=0
        )
        event.listen(engine.sync_engine, "do_connect", _sqlite_connect)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    engine = create_async_engine(parsed, pool_size=pool_size, max_overflow=pool_size)
    event.listen(engine.sync_engine, "do_connect", _connect_or_say_why)
    event.listen(engine.sync_engine.pool, "checkin", _idle_from_now)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle)
    return engine


def create_read_engine(url: str, write_engine: AsyncEngine) -> AsyncEngine:
    """An engine for read-only sessions: on SQLite its own connections, which neither take
    nor wait for the write lock; elsewhere the write engine itself."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return write_engine
    engine = create_async_engine(parsed, connect_args={"timeout": 10})
    event.listen(engine.sync_engine, "do_connect", _sqlite_connect)
    event.listen(engine.sync_engine, "connect", _sqlite_read_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_read)
    return engine


def create_inline_read_engine(url: str) -> AsyncEngine | None:
    """On SQLite, an engine for short bounded reads whose statements run in the event loop's
    thread (storage.inline_sqlite); None elsewhere (asyncpg has no thread to skip)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    engine = create_async_engine(
        parsed, async_creator=inline_creator(parsed.database, timeout=10), pool_size=2
    )
    event.listen(engine.sync_engine, "connect", _inline_read_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_read)
    return engine


def create_page_read_engine(url: str, write_engine: AsyncEngine) -> AsyncEngine:
    """The engine of short page reads (a home timeline request: its token, its page and the
    page's facts): on SQLite the inline engine (create_inline_read_engine); elsewhere the write
    engine's pool in autocommit, where each statement sees what is committed when it runs and
    no BEGIN and ROLLBACK go around the three statements (two round trips of five)."""
    inline = create_inline_read_engine(url)
    if inline is not None:
        return inline
    return write_engine.execution_options(isolation_level="AUTOCOMMIT")


def _inline_read_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # As _sqlite_read_pragmas, but the connection is opened in autocommit mode already: the
    # adapter's isolation_level setter would need aiosqlite's thread.
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON", "query_only=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory whose objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
