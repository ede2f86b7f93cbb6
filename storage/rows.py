"""Small helpers over SQLAlchemy results."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an INSERT/UPDATE/DELETE (0 for results that carry no count)."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def insert_new(session: AsyncSession, table: Any, **index: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for this session's database (SQLite or PostgreSQL):
    the way every "store once" in the storage layer is written."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(**index)
