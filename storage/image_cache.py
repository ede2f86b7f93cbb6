"""The queue of remote images waiting for a local copy (image_fetches rows): enqueued with the
post that shows them, leased by a worker (so a crash mid-fetch only delays the retry), and
closed as done, retried with backoff, or failed for good."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .ids import new_id
from .leases import PENDING, lease_due
from .models import MediaAttachment
from .rows import rowcount
from .timeutil import utcnow
from .work_models import ImageFetch

DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class Due:
    """A remote image to fetch now, and how many tries of it failed before."""

    id: int
    media_id: int
    remote_url: str
    attempts: int


@dataclass(frozen=True)
class Copy:
    """A local copy of a remote image, written to the media directory."""

    file_name: str
    file_size: int
    width: int
    height: int
    blurhash: str | None


async def enqueue(session: AsyncSession, media: Iterable[MediaAttachment]) -> int:
    """Queue copies of these remote images (rows flushed first, for their ids); the caller
    commits. Returns how many were queued."""
    await session.flush()
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "media_id": item.id,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for item in media
        if item.remote_url and not item.file_name
    ]
    if rows:
        await session.execute(insert(ImageFetch), rows)
    return len(rows)


async def claim(
    sessions: async_sessionmaker[AsyncSession], *, limit: int, lease: timedelta
) -> list[Due]:
    """Lease up to `limit` due fetches to the caller (SKIP LOCKED on PostgreSQL)."""
    async with sessions.begin() as session:
        ids = await lease_due(session, ImageFetch, limit=limit, lease=lease)
        if not ids:
            return []
        stmt = (
            select(
                ImageFetch.id, ImageFetch.media_id, MediaAttachment.remote_url, ImageFetch.attempts
            )
            .join(MediaAttachment, MediaAttachment.id == ImageFetch.media_id)
            .where(ImageFetch.id.in_(ids))
            .order_by(ImageFetch.next_attempt_at)
        )
        rows = (await session.execute(stmt)).all()
    return [Due(row_id, media_id, str(url), n) for row_id, media_id, url, n in rows]


async def cached(session: AsyncSession, item: Due, copy: Copy) -> bool:
    """Record a local copy; False if the image is gone (its post deleted or edited
    meanwhile) or has a copy already, and then the caller removes the file."""
    result = await session.execute(
        update(MediaAttachment)
        # A copy made meanwhile by another worker (its lease ran out) stays; this one goes.
        .where(MediaAttachment.id == item.media_id, MediaAttachment.file_name.is_(None))
        .values(
            file_name=copy.file_name,
            file_size=copy.file_size,
            width=copy.width,
            height=copy.height,
            blurhash=func.coalesce(MediaAttachment.blurhash, copy.blurhash),
        )
    )
    await _close(session, item, state=DONE, error=None)
    return bool(rowcount(result))


async def failed(
    session: AsyncSession, item: Due, *, error: str, retry_at: datetime | None
) -> None:
    """Count a failed try: retried at `retry_at`, or (None) failed for good, the image then
    staying a link to its original."""
    await _close(session, item, state=FAILED if retry_at is None else PENDING, error=error)
    if retry_at is not None:
        await session.execute(
            update(ImageFetch).where(ImageFetch.id == item.id).values(next_attempt_at=retry_at)
        )


async def _close(session: AsyncSession, item: Due, *, state: str, error: str | None) -> None:
    await session.execute(
        update(ImageFetch)
        .where(ImageFetch.id == item.id)
        .values(
            state=state,
            attempts=ImageFetch.attempts + 1,
            locked_until=None,
            last_error=error[:2000] if error else None,
        )
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending fetch can be taken: it is due and not leased (None when
    none waits)."""
    free_at = case(
        (ImageFetch.locked_until > ImageFetch.next_attempt_at, ImageFetch.locked_until),
        else_=ImageFetch.next_attempt_at,
    )
    stmt = select(func.min(free_at)).where(ImageFetch.state == PENDING)
    due: datetime | None = await session.scalar(stmt)
    return due
