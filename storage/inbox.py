"""Received activities: stored once per id (dedupe), then processed by a worker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .ids import new_id
from .models import InboxActivity
from .rows import rowcount as _rowcount
from .timeutil import utcnow

PENDING, DONE, FAILED = "pending", "done", "failed"


async def record(
    session: AsyncSession,
    *,
    uri: str,
    activity_type: str,
    actor_uri: str,
    payload: Mapping[str, Any],
) -> bool:
    """Store a received activity; False when its id was seen before (nothing stored)."""
    values = {
        "id": new_id(),
        "uri": uri,
        "activity_type": activity_type,
        "actor_uri": actor_uri,
        "payload": dict(payload),
        "state": PENDING,
        "attempts": 0,
        "received_at": utcnow(),
    }
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert_fn = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert_fn(InboxActivity).values(values).on_conflict_do_nothing(index_elements=["uri"])
    return bool(_rowcount(await session.execute(stmt)))


async def pending(session: AsyncSession, *, limit: int) -> list[InboxActivity]:
    """Activities not yet processed, oldest first."""
    stmt = (
        select(InboxActivity)
        .where(InboxActivity.state == PENDING)
        .order_by(InboxActivity.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def finish(
    sessions: async_sessionmaker[AsyncSession],
    activity_id: int,
    *,
    error: str | None = None,
    final: bool = True,
) -> None:
    """Mark an activity processed (or failed with a reason)."""
    state = DONE if error is None else (FAILED if final else PENDING)
    async with sessions.begin() as session:
        await session.execute(
            update(InboxActivity)
            .where(InboxActivity.id == activity_id)
            .values(state=state, last_error=error, attempts=InboxActivity.attempts + 1)
        )
