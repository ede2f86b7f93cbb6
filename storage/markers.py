"""Queries of reading positions (markers): read a user's, save one."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .timeutil import utcnow
from .user_models import Marker


async def of(session: AsyncSession, account_id: int, timelines: Iterable[str]) -> list[Marker]:
    """The user's markers of these timelines (those saved)."""
    stmt = select(Marker).where(Marker.account_id == account_id, Marker.timeline.in_(timelines))
    return list((await session.scalars(stmt)).all())


async def save(session: AsyncSession, account_id: int, timeline: str, last_read_id: str) -> Marker:
    """Set the user's marker of a timeline, bumping its version."""
    marker = await session.get(Marker, (account_id, timeline))
    if marker is None:
        marker = Marker(account_id=account_id, timeline=timeline, version=0)
        session.add(marker)
    marker.last_read_id = last_read_id
    marker.version = (marker.version or 0) + 1
    marker.updated_at = utcnow()
    await session.flush()
    return marker
