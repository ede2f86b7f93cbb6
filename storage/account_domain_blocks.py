"""Queries of the servers one user blocks for themselves (not the instance's blocks, which
live in `domain_blocks`): add, remove, page; the follows they end. `timelines.shown` is
where their accounts are hidden from the user."""

from __future__ import annotations

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .models import Account, Follow
from .rows import rowcount
from .timelines import Window
from .user_models import AccountDomainBlock


def blocked_by(account_id: int) -> Select[str]:
    """The domains `account_id` blocks (a subquery)."""
    return select(AccountDomainBlock.domain).where(AccountDomainBlock.account_id == account_id)


async def blocks(session: AsyncSession, account_id: int, domain: str | None) -> bool:
    """Whether `account_id` blocks `domain` (a local sender, None, never)."""
    if domain is None:
        return False
    stmt = blocked_by(account_id).where(AccountDomainBlock.domain == domain)
    return await session.scalar(stmt) is not None


async def add(session: AsyncSession, account_id: int, domain: str) -> bool:
    """Block `domain` for `account_id`; False if it was blocked already."""
    if await blocks(session, account_id, domain):
        return False
    session.add(AccountDomainBlock(account_id=account_id, domain=domain))
    await session.flush()
    return True


async def remove(session: AsyncSession, account_id: int, domain: str) -> bool:
    """Lift the block; False if there was none."""
    stmt = delete(AccountDomainBlock).where(
        AccountDomainBlock.account_id == account_id, AccountDomainBlock.domain == domain
    )
    return rowcount(await session.execute(stmt)) > 0


async def page(session: AsyncSession, account_id: int, window: Window) -> list[tuple[int, str]]:
    """(block id, domain) of the user's blocked servers, newest first, paged by block id."""
    stmt = select(AccountDomainBlock.id, AccountDomainBlock.domain).where(
        AccountDomainBlock.account_id == account_id
    )
    rows = [
        (int(row[0]), str(row[1]))
        for row in await session.execute(window.apply(stmt, AccountDomainBlock.id))
    ]
    return rows[::-1] if window.upward else rows


async def follows_with(
    session: AsyncSession, account_id: int, domain: str
) -> list[tuple[Follow, Account, Account]]:
    """(follow, follower, target) of every follow (or request) between `account_id` and an
    account on `domain`, either way."""
    follower, target = aliased(Account), aliased(Account)
    stmt = (
        select(Follow, follower, target)
        .join(follower, follower.id == Follow.follower_id)
        .join(target, target.id == Follow.target_id)
        .where(
            ((Follow.follower_id == account_id) & (target.domain == domain))
            | ((Follow.target_id == account_id) & (follower.domain == domain))
        )
    )
    return [(row[0], row[1], row[2]) for row in await session.execute(stmt)]
