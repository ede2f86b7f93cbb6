"""Timelines, newest first and keyset-paged by id (ids carry the publishing time)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Follow, Post


async def home(
    session: AsyncSession, account_id: int, *, limit: int = 20, max_id: int | None = None
) -> Sequence[tuple[Post, Account]]:
    """The account's own posts and those of the accounts it follows (accepted follows)."""
    followed = select(Follow.target_id).where(
        Follow.follower_id == account_id, Follow.state == "accepted"
    )
    stmt = (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(
            or_(Post.account_id == account_id, Post.account_id.in_(followed)),
            Post.deleted_at.is_(None),
        )
        .order_by(Post.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(Post.id < max_id)
    return [(row[0], row[1]) for row in await session.execute(stmt)]
