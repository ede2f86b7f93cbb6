"""Accounts as the client API lists them: by handle, the counts of many at once, and the
paged lists of followers, followed accounts and who liked or boosted a post."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import account_counts
from .account_counts import AccountCounts
from .models import Account, Block, Follow, Reaction
from .timelines import Window, shown


async def by_handle(session: AsyncSession, username: str, domain: str | None) -> Account | None:
    """The account `username` (case-insensitive) of `domain` (None: this server), if stored
    and not deleted (one an admin suspended is found: the caller decides); None when there
    is none, or when two remote actors share the name."""
    stmt = select(Account).where(
        func.lower(Account.username) == username.lower(), Account.suspended_at.is_(None)
    )
    if domain is None:
        stmt = stmt.where(Account.domain.is_(None))
    else:
        stmt = stmt.where(func.lower(Account.domain) == domain.lower())
    found = (await session.execute(stmt.limit(2))).scalars().all()
    return found[0] if len(found) == 1 else None


async def by_ids(session: AsyncSession, account_ids: Sequence[int]) -> dict[int, Account]:
    """The stored accounts with these ids, by id."""
    if not account_ids:
        return {}
    stmt = select(Account).where(Account.id.in_(set(account_ids)))
    return {account.id: account for account in (await session.execute(stmt)).scalars()}


async def counts_of(session: AsyncSession, account_ids: Sequence[int]) -> dict[int, AccountCounts]:
    """The counts of each account (follow requests left at 0: only the owner sees those), as
    `account_stats` keeps them: one query by primary key whatever the number of accounts."""
    return await account_counts.counts_of(session, account_ids)


async def _paged(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]], key: Any, window: Window
) -> list[tuple[int, Account]]:
    rows = [(int(row[0]), row[1]) for row in await session.execute(window.apply(stmt, key))]
    return rows[::-1] if window.upward else rows


async def follow_page(
    session: AsyncSession,
    account_id: int,
    window: Window,
    *,
    followers: bool,
    viewer_id: int | None,
) -> list[tuple[int, Account]]:
    """(follow id, account) of the accepted followers of an account (or of the accounts it
    follows), newest follow first, keyset-paged by the follow's id as Mastodon pages them;
    accounts the viewer may not see are left out."""
    mine, theirs = (
        (Follow.target_id, Follow.follower_id)
        if followers
        else (Follow.follower_id, Follow.target_id)
    )
    stmt = (
        select(Follow.id, Account)
        .join(Account, Account.id == theirs)
        .where(mine == account_id, Follow.state == "accepted", shown(Account, viewer_id))
    )
    return await _paged(session, stmt, Follow.id, window)


async def reactors(
    session: AsyncSession, post_id: int, kind: str, window: Window, *, viewer_id: int | None
) -> list[tuple[int, Account]]:
    """(reaction id, account) of those who liked (or boosted) a post, newest first, paged by
    the reaction's id; accounts the viewer may not see are left out."""
    stmt = (
        select(Reaction.id, Account)
        .join(Account, Account.id == Reaction.account_id)
        .where(Reaction.post_id == post_id, Reaction.kind == kind, shown(Account, viewer_id))
    )
    return await _paged(session, stmt, Reaction.id, window)


async def blocks_page(
    session: AsyncSession, account_id: int, window: Window
) -> list[tuple[int, Account]]:
    """(block id, account) of the accounts `account_id` blocks, newest block first, paged by
    the block's id (Mastodon's GET /api/v1/blocks)."""
    stmt = select(Block.id, Account).join(Account, Account.id == Block.target_id)
    return await _paged(session, stmt.where(Block.account_id == account_id), Block.id, window)


async def requests_page(
    session: AsyncSession, account_id: int, window: Window
) -> list[tuple[int, Account]]:
    """(follow id, account) of the follow requests awaiting `account_id`'s approval, newest
    first, paged by the follow's id (Mastodon's GET /api/v1/follow_requests)."""
    stmt = (
        select(Follow.id, Account)
        .join(Account, Account.id == Follow.follower_id)
        .where(Follow.target_id == account_id, Follow.state == "pending")
    )
    return await _paged(session, stmt, Follow.id, window)
