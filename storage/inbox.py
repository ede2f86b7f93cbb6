"""Received activities: stored once per id (dedupe), then processed by a worker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .ids import new_id
from .rows import insert_new
from .timeutil import utcnow
from .work_models import InboxActivity

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass(frozen=True)
class Received:
    """A verified activity to store."""

    uri: str
    activity_type: str
    actor_uri: str
    payload: Mapping[str, Any]


async def record_many(session: AsyncSession, items: Sequence[Received]) -> list[bool]:
    """Store several activities in one statement; for each, False if its id was already seen."""
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for item in items:  # the first of two copies in one batch wins
        rows.setdefault(
            item.uri,
            {
                "id": new_id(),
                "uri": item.uri,
                "activity_type": item.activity_type,
                "actor_uri": item.actor_uri,
                "payload": dict(item.payload),
                "state": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "received_at": now,
            },
        )
    # One cached statement run with a list of parameter sets ("insertmanyvalues" batches
    # them into multi-row INSERTs); building a fresh VALUES clause per batch cost more than
    # the insert itself.
    table = cast(Table, InboxActivity.__table__)
    stmt = insert_new(session, table, index_elements=["uri"]).returning(table.c.id)
    connection = await session.connection()
    inserted = set((await connection.execute(stmt, list(rows.values()))).scalars())
    return [rows[item.uri]["id"] in inserted for item in items]


async def pending(session: AsyncSession, *, limit: int) -> list[InboxActivity]:
    """Activities due for processing, oldest first."""
    stmt = (
        select(InboxActivity)
        .where(InboxActivity.state == PENDING, InboxActivity.next_attempt_at <= utcnow())
        .order_by(InboxActivity.next_attempt_at, InboxActivity.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def finish_done(sessions: async_sessionmaker[AsyncSession], activity_ids: list[int]) -> None:
    """Mark many activities done in one statement (a batch the worker handled)."""
    if not activity_ids:
        return
    async with sessions.begin() as session:
        await session.execute(
            update(InboxActivity)
            .where(InboxActivity.id.in_(activity_ids))
            .values(state=DONE, last_error=None, attempts=InboxActivity.attempts + 1)
        )


async def finish(
    sessions: async_sessionmaker[AsyncSession],
    activity_id: int,
    *,
    error: str | None = None,
    retry_in: float | None = None,
) -> None:
    """Mark an activity done, failed for good (error), or due again in `retry_in` seconds."""
    values: dict[str, Any] = {"last_error": error, "attempts": InboxActivity.attempts + 1}
    if error is None:
        values["state"] = DONE
    elif retry_in is None:
        values["state"] = FAILED
    else:
        values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_in)
    async with sessions.begin() as session:
        await session.execute(
            update(InboxActivity).where(InboxActivity.id == activity_id).values(values)
        )
