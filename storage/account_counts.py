"""The numbers an account entity shows: followers, following, posts, the last post's time and
follow requests waiting.

The first four are read from `account_stats` (storage.stats_models), which triggers keep
right; `counted` counts them from the rows themselves, the truth the stored counts must
equal (and what an account without a stats row falls back to)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Follow, Post
from .stats_models import AccountStats


@dataclass(frozen=True)
class AccountCounts:
    """Counts of one account."""

    followers: int
    following: int
    statuses: int
    last_status_at: datetime | None
    follow_requests: int


@cache
def _stored() -> Select[int, int, int, int, datetime | None]:
    """The stored counts of the accounts `ids` (built once: it is read on every page)."""
    return select(
        AccountStats.account_id,
        AccountStats.followers_count,
        AccountStats.following_count,
        AccountStats.statuses_count,
        AccountStats.last_status_at,
    ).where(AccountStats.account_id.in_(bindparam("ids", expanding=True)))


async def counts_of(session: AsyncSession, account_ids: Sequence[int]) -> dict[int, AccountCounts]:
    """The counts of each account (follow requests left at 0: only the owner sees those), read
    by primary key in one query; an account without a stats row is counted."""
    ids = list(set(account_ids))
    if not ids:
        return {}
    found = {
        row[0]: AccountCounts(int(row[1]), int(row[2]), int(row[3]), row[4], 0)
        for row in await session.execute(_stored(), {"ids": ids})
    }
    missing = [account_id for account_id in ids if account_id not in found]
    return found | await counted(session, missing) if missing else found


async def counted(session: AsyncSession, account_ids: Sequence[int]) -> dict[int, AccountCounts]:
    """The counts of each account counted from posts and follows, in three grouped queries
    whatever the number of accounts (follow requests left at 0)."""
    ids = list(set(account_ids))
    if not ids:
        return {}
    followers = await _grouped(session, Follow.target_id, ids)
    following = await _grouped(session, Follow.follower_id, ids)
    stmt = (
        select(Post.account_id, func.count(), func.max(Post.published_at))
        .where(Post.account_id.in_(ids), Post.deleted_at.is_(None))
        .group_by(Post.account_id)
    )
    posted = {row[0]: (int(row[1]), row[2]) for row in await session.execute(stmt)}
    return {
        account_id: AccountCounts(
            followers=followers.get(account_id, 0),
            following=following.get(account_id, 0),
            statuses=posted.get(account_id, (0, None))[0],
            last_status_at=posted.get(account_id, (0, None))[1],
            follow_requests=0,
        )
        for account_id in ids
    }


async def _grouped(session: AsyncSession, column: Any, ids: list[int]) -> dict[int, int]:
    stmt = (
        select(column, func.count())
        .where(column.in_(ids), Follow.state == "accepted")
        .group_by(column)
    )
    return {row[0]: int(row[1]) for row in await session.execute(stmt)}


async def counts(session: AsyncSession, account_id: int) -> AccountCounts:
    """The counts of an account with the follow requests waiting for it (its owner's view)."""
    stored = (await counts_of(session, [account_id]))[account_id]
    stmt = select(func.count()).where(Follow.target_id == account_id, Follow.state == "pending")
    requests = int((await session.execute(stmt)).scalar_one())
    return AccountCounts(
        stored.followers, stored.following, stored.statuses, stored.last_status_at, requests
    )
