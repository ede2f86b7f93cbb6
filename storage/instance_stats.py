"""Counts that describe the whole server: its users, posts, known servers, weekly activity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .ids import first_id_at
from .models import Account, DomainBlock, Post, User


@dataclass(frozen=True)
class WeekCounts:
    """What happened in one week: local posts, local accounts that posted, new local users."""

    start: datetime
    statuses: int
    active: int
    registrations: int


def _people(exclude: str) -> ColumnElement[bool]:
    """Local, undeleted accounts, less the reserved one (the instance actor)."""
    return and_(
        Account.domain.is_(None), Account.suspended_at.is_(None), Account.username != exclude
    )


async def local_users(session: AsyncSession, *, exclude: str) -> int:
    """Local accounts in use (deleted ones and `exclude` left out)."""
    stmt = select(func.count()).select_from(Account).where(_people(exclude))
    return int((await session.execute(stmt)).scalar_one())


async def known_domains(session: AsyncSession) -> list[str]:
    """Every other server we know an account of, blocked ones left out, in order."""
    blocked = select(DomainBlock.domain)
    stmt = (
        select(Account.domain)
        .where(Account.domain.is_not(None), Account.domain.not_in(blocked))
        .distinct()
        .order_by(Account.domain)
    )
    return [str(domain) for domain in (await session.execute(stmt)).scalars()]


async def count_domains(session: AsyncSession) -> int:
    """How many other servers we know an account of (blocked ones left out)."""
    blocked = select(DomainBlock.domain)
    stmt = select(func.count(func.distinct(Account.domain))).where(
        Account.domain.is_not(None), Account.domain.not_in(blocked)
    )
    return int((await session.execute(stmt)).scalar_one())


async def active_since(session: AsyncSession, since: datetime) -> int:
    """Local accounts that posted since `since` (ids are time-ordered: the index serves)."""
    stmt = select(func.count(func.distinct(Post.account_id))).where(
        Post.local, Post.id >= first_id_at(since)
    )
    return int((await session.execute(stmt)).scalar_one())


async def weekly(
    session: AsyncSession, starts: Sequence[datetime], end: datetime, *, exclude: str
) -> list[WeekCounts]:
    """Counts for each week beginning at `starts` (ascending), the last one ending at `end`."""
    bounds = [*starts[1:], end]
    posts_in = [
        and_(Post.id >= first_id_at(start), Post.id < first_id_at(stop))
        for start, stop in zip(starts, bounds, strict=True)
    ]
    post_row = (
        await session.execute(
            select(
                *(func.count(case((week, 1))) for week in posts_in),
                *(func.count(func.distinct(case((week, Post.account_id)))) for week in posts_in),
            ).where(Post.local, Post.id >= first_id_at(starts[0]), Post.id < first_id_at(end))
        )
    ).one()
    joined = [
        and_(Account.created_at >= start, Account.created_at < stop)
        for start, stop in zip(starts, bounds, strict=True)
    ]
    account_row = (
        await session.execute(
            select(*(func.count(case((week, 1))) for week in joined)).where(
                _people(exclude), Account.created_at >= starts[0]
            )
        )
    ).one()
    n = len(starts)
    return [
        WeekCounts(start, int(post_row[i]), int(post_row[n + i]), int(account_row[i]))
        for i, start in enumerate(starts)
    ]


async def first_admin(session: AsyncSession) -> Account | None:
    """The oldest local admin account still in use, or None."""
    stmt = (
        select(Account)
        .join(User, User.account_id == Account.id)
        .where(User.is_admin, Account.domain.is_(None), Account.suspended_at.is_(None))
        .order_by(Account.created_at, Account.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
