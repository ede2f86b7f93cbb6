"""The numbers an account entity shows: followers, following, posts, the last post's time and
follow requests waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import ScalarSelect

from .models import Follow, Post


@dataclass(frozen=True)
class AccountCounts:
    """Counts of one account."""

    followers: int
    following: int
    statuses: int
    last_status_at: datetime | None
    follow_requests: int


async def counts(session: AsyncSession, account_id: int) -> AccountCounts:
    """The counts of an account, in one round trip per table."""

    def follows(column: InstrumentedAttribute[int], state: str) -> ScalarSelect[int]:
        return (
            select(func.count())
            .select_from(Follow)
            .where(column == account_id, Follow.state == state)
            .scalar_subquery()
        )

    follow_stmt = select(
        follows(Follow.target_id, "accepted"),
        follows(Follow.follower_id, "accepted"),
        follows(Follow.target_id, "pending"),
    )
    followers, following, requests = (await session.execute(follow_stmt)).one()
    post_stmt = select(func.count(), func.max(Post.published_at)).where(
        Post.account_id == account_id, Post.deleted_at.is_(None)
    )
    statuses, last = (await session.execute(post_stmt)).one()
    return AccountCounts(int(followers), int(following), int(statuses), last, int(requests))
