"""SQLite reads run in the event loop's own thread, for short bounded reads on hot paths.

aiosqlite runs every call of a connection in that connection's thread: a statement is four
hand-offs (cursor, execute, fetch, close), each a queue put, a thread wake-up and a return
through the event loop's self-pipe. For a home page of six small index reads that is most
of the request's time on SQLite, and its tail on a busy machine (bench/README.md, "Home API
over SQLite"). SQLite itself answers such reads in microseconds, in this process.

`inline_connect` gives SQLAlchemy's aiosqlite dialect (through `create_async_engine`'s
documented `async_creator`) a connection with aiosqlite's interface whose coroutines call
the standard library's sqlite3 directly and finish at once: an AsyncSession over it is an
ordinary AsyncSession, but its statements never leave the loop's thread. The loop is busy
for as long as the statement runs, so only reads known to be short and bounded use it
(`fedi.core.services.ReadSessions.one`); everything else stays on aiosqlite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    """An aiosqlite-shaped cursor over a sqlite3 cursor; its coroutines never suspend."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        """The columns of the last statement (DB-API)."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed (DB-API)."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last insert (DB-API)."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows `fetchmany` returns by default (DB-API)."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        """Run one statement."""
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        """Run one statement for each row of parameters."""
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """The next `size` rows."""
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Close the cursor."""
        self._cursor.close()


class InlineConnection:
    """An aiosqlite-shaped connection over a sqlite3 connection, used in the loop's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        # SQLAlchemy's adapter checks `_connection` before a commit or rollback (aiosqlite's
        # name for the open sqlite3 connection; None once closed).
        self._connection: sqlite3.Connection | None = connection

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        """sqlite3's transaction mode (None: SQLAlchemy's BEGIN events decide)."""
        return self._open().isolation_level

    def cursor(self) -> InlineCursor:
        """A new cursor (an async context manager, as aiosqlite's is awaitable)."""
        return InlineCursor(self._open().cursor())

    async def commit(self) -> None:
        """Commit."""
        self._open().commit()

    async def rollback(self) -> None:
        """Roll back."""
        self._open().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register an SQL function (SQLAlchemy's dialect adds `regexp`)."""
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        """Close; closing twice is harmless."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        """Close at once (what SQLAlchemy calls to terminate a connection)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def inline_creator(path: str, *, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: opens `path` in autocommit mode (the
    engine's BEGIN event starts transactions), usable from whichever thread closes it."""

    async def connect() -> InlineConnection:
        return InlineConnection(
            sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        )

    return connect
