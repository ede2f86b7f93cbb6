"""The queue of remote images waiting for a local copy: rows of media_attachments whose
`cache_after` is set. A worker leases due rows (moving `cache_after` past the lease, so a
crash mid-fetch only delays the retry) and records each outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .models import MediaAttachment
from .rows import rowcount
from .timeutil import utcnow


@dataclass(frozen=True)
class Due:
    """A remote image to fetch now, and how many tries of it failed before."""

    id: int
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


async def claim(
    sessions: async_sessionmaker[AsyncSession], *, limit: int, lease: timedelta
) -> list[Due]:
    """Lease up to `limit` due images to the caller (SKIP LOCKED on PostgreSQL)."""
    now = utcnow()
    async with sessions.begin() as session:
        due = (
            select(MediaAttachment.id, MediaAttachment.remote_url, MediaAttachment.cache_attempts)
            .where(
                MediaAttachment.cache_after <= now,
                MediaAttachment.remote_url.is_not(None),
                MediaAttachment.file_name.is_(None),
            )
            .order_by(MediaAttachment.cache_after)
            .limit(limit)
            .with_for_update(skip_locked=True)  # ignored by SQLite, whose writer lock serialises us
        )
        rows = [
            Due(row_id, str(url), attempts) for row_id, url, attempts in await session.execute(due)
        ]
        if rows:
            await session.execute(
                update(MediaAttachment)
                .where(MediaAttachment.id.in_([row.id for row in rows]))
                .values(cache_after=now + lease)
            )
    return rows


async def cached(session: AsyncSession, media_id: int, copy: Copy) -> bool:
    """Record a local copy; False if the row is gone (its post deleted or edited meanwhile),
    and then the caller removes the file."""
    result = await session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.id == media_id)
        .values(
            file_name=copy.file_name,
            file_size=copy.file_size,
            width=copy.width,
            height=copy.height,
            blurhash=func.coalesce(MediaAttachment.blurhash, copy.blurhash),
            cache_after=None,
        )
    )
    return bool(rowcount(result))


async def failed(session: AsyncSession, media_id: int, retry_at: datetime | None) -> None:
    """Count a failed try; `retry_at` None gives up, and the image stays a link."""
    await session.execute(
        update(MediaAttachment)
        .where(MediaAttachment.id == media_id)
        .values(cache_attempts=MediaAttachment.cache_attempts + 1, cache_after=retry_at)
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest waiting image is due (None when none waits)."""
    return await session.scalar(select(func.min(MediaAttachment.cache_after)))
