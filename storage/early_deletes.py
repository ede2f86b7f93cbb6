"""Deletes that came before their Create (deliveries are not ordered): remembered for a few
hours so that the late Create, or an Update standing for it, does not bring the note back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from .ids import new_id
from .models import EarlyDelete
from .rows import insert_new
from .timeutil import utcnow

KEPT = timedelta(hours=6)  # as Mastodon keeps its delete_upon_arrival marks


async def remember(session: AsyncSession, uri: str) -> None:
    """Note a Delete of a note not stored here (older marks are dropped); the caller commits."""
    now = utcnow()
    await session.execute(delete(EarlyDelete).where(EarlyDelete.created_at < now - KEPT))
    stmt = insert_new(session, EarlyDelete, index_elements=["uri"])
    await session.execute(stmt.values(id=new_id(), uri=uri, created_at=now))


async def among(session: AsyncSession, uris: Iterable[str]) -> set[str]:
    """Which of these notes were deleted before they arrived (within the last few hours)."""
    stmt = select(EarlyDelete.uri).where(
        EarlyDelete.uri.in_(list(uris)), EarlyDelete.created_at >= utcnow() - KEPT
    )
    return set((await session.execute(stmt)).scalars())
