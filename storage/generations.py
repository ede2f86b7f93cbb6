"""Generation rows: progress of each image request, rate-limit and quota counts, the run slots."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Generation
from .rows import rowcount
from .timeutil import utcnow

QUEUED, GENERATING, PROCESSING, DONE, FAILED = (
    "queued",
    "generating",
    "processing",
    "done",
    "failed",
)


async def started_since(
    session: AsyncSession, account_id: int, since: datetime
) -> tuple[int, datetime | None]:
    """How many generations the account asked for since `since`, and the oldest of them."""
    stmt = select(func.count(), func.min(Generation.created_at)).where(
        Generation.account_id == account_id, Generation.created_at >= since
    )
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


async def add(session: AsyncSession, account_id: int, prompt: str, backend: str) -> Generation:
    """A new queued generation."""
    row = Generation(account_id=account_id, prompt=prompt, backend=backend, state=QUEUED)
    session.add(row)
    await session.flush()
    return row


async def try_start(session: AsyncSession, generation_id: int, limit: int, stale: float) -> bool:
    """Move a queued generation to `generating` if fewer than `limit` are running.

    Runs older than `stale` seconds are not counted (their process died). One conditional
    UPDATE: on SQLite the write lock makes it exact; on PostgreSQL two racing starts can both
    pass, so the limit may be exceeded by the number of processes at worst.
    """
    now = utcnow()
    running = (
        select(func.count())
        .where(
            Generation.state.in_((GENERATING, PROCESSING)),
            Generation.started_at > now - timedelta(seconds=stale),
        )
        .scalar_subquery()
    )
    stmt = (
        update(Generation)
        .where(Generation.id == generation_id, Generation.state == QUEUED, running < limit)
        .values(state=GENERATING, started_at=now)
    )
    return bool(rowcount(await session.execute(stmt)))


async def set_state(
    session: AsyncSession,
    generation_id: int,
    state: str,
    *,
    reason: str | None = None,
    model: str | None = None,
    post_id: int | None = None,
) -> None:
    """Record progress; `done` and `failed` also stamp the finishing time."""
    values: dict[str, object] = {"state": state}
    if reason is not None:
        values["reason"] = reason
    if model is not None:
        values["model"] = model
    if post_id is not None:
        values["post_id"] = post_id
    if state in (DONE, FAILED):
        values["finished_at"] = utcnow()
    await session.execute(update(Generation).where(Generation.id == generation_id).values(values))
