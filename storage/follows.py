"""Queries on follow relationships."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import home_feed
from .models import Account, Follow
from .rows import rowcount as _rowcount


async def get(session: AsyncSession, follower_id: int, target_id: int) -> Follow | None:
    """The follow from follower to target, or None."""
    stmt = select(Follow).where(Follow.follower_id == follower_id, Follow.target_id == target_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_uri(session: AsyncSession, uri: str) -> Follow | None:
    """The follow created by the Follow activity `uri`, or None."""
    return (await session.execute(select(Follow).where(Follow.uri == uri))).scalar_one_or_none()


async def add(
    session: AsyncSession, *, follower_id: int, target_id: int, uri: str, state: str
) -> Follow:
    """Record a follow, or return the existing one (a repeated Follow refreshes its uri)."""
    follow = await get(session, follower_id, target_id)
    if follow is None:
        follow = Follow(follower_id=follower_id, target_id=target_id, uri=uri, state=state)
        session.add(follow)
    elif follow.uri != uri:
        follow.uri = uri
    await session.flush()
    return follow


async def remove(session: AsyncSession, follower_id: int, target_id: int) -> bool:
    """Delete the follow from follower to target; True if there was one."""
    stmt = delete(Follow).where(Follow.follower_id == follower_id, Follow.target_id == target_id)
    removed = bool(_rowcount(await session.execute(stmt)))
    if removed:
        await session.run_sync(lambda s: home_feed.forget(s.connection(), [follower_id], target_id))
    return removed


async def follower_inboxes(session: AsyncSession, account_id: int) -> list[str]:
    """Distinct inboxes of accepted followers: the shared inbox where there is one."""
    inbox = func.coalesce(Account.shared_inbox_url, Account.inbox_url)
    stmt = (
        select(inbox)
        .join(Follow, Follow.follower_id == Account.id)
        .where(
            Follow.target_id == account_id, Follow.state == "accepted", Account.domain.is_not(None)
        )
        .distinct()
    )
    return sorted(str(row) for row in (await session.execute(stmt)).scalars())


async def count(session: AsyncSession, account_id: int, *, followers: bool) -> int:
    """Accepted followers of (or accounts followed by) an account."""
    column = Follow.target_id if followers else Follow.follower_id
    stmt = select(func.count()).where(column == account_id, Follow.state == "accepted")
    return int((await session.execute(stmt)).scalar_one())


async def page(
    session: AsyncSession,
    account_id: int,
    *,
    followers: bool,
    limit: int,
    max_id: int | None = None,
) -> Sequence[tuple[int, str]]:
    """(follow id, actor uri) of accepted followers/following, newest first, keyset-paged."""
    mine, theirs = (
        (Follow.target_id, Follow.follower_id)
        if followers
        else (Follow.follower_id, Follow.target_id)
    )
    stmt = (
        select(Follow.id, Account.uri)
        .join(Account, Account.id == theirs)
        .where(mine == account_id, Follow.state == "accepted")
        .order_by(Follow.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(Follow.id < max_id)
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]


async def pending_requests(
    session: AsyncSession, account_id: int
) -> Sequence[tuple[Follow, Account]]:
    """Follow requests awaiting the account's approval, oldest first."""
    stmt = (
        select(Follow, Account)
        .join(Account, Account.id == Follow.follower_id)
        .where(Follow.target_id == account_id, Follow.state == "pending")
        .order_by(Follow.id)
    )
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]
