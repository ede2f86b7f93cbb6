"""Taking due rows of a work queue (deliveries, image fetches, actors' picture fetches): each
row is pending until its `next_attempt_at`, and a worker that takes it holds it until
`locked_until`, so a crash only delays the retry. On PostgreSQL, workers skip each other's
locked rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from .timeutil import utcnow
from .work_models import AccountImageFetch, Delivery, ImageFetch

PENDING = "pending"


async def lease_due(
    session: AsyncSession,
    queue: type[Delivery] | type[ImageFetch] | type[AccountImageFetch],
    *,
    limit: int,
    lease: timedelta,
    held: Collection[int] = (),
) -> list[int]:
    """Ids of up to `limit` due, unleased rows, longest due first, now leased for `lease`.
    `held`: rows the caller still works on, not to be taken again even if their lease ran
    out (a slow request), or the same work would be done twice."""
    now = utcnow()
    due = (
        select(queue.id)
        .where(
            queue.state == PENDING,
            queue.next_attempt_at <= now,
            (queue.locked_until.is_(None)) | (queue.locked_until < now),
            queue.id.not_in(list(held)) if held else true(),
        )
        .order_by(queue.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # ignored by SQLite, whose writer lock serialises us
    )
    ids = list((await session.execute(due)).scalars())
    if ids:
        await session.execute(
            update(queue).where(queue.id.in_(ids)).values(locked_until=now + lease)
        )
    return ids
