"""How one account stands to others: follows and follow requests both ways, blocks both ways,
and the viewer's own server blocks, read for many accounts in three queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Block, Follow
from .user_models import AccountDomainBlock


@dataclass(frozen=True)
class Relationship:
    """The viewer and `account_id`: who follows (or asked to follow) whom, who blocks whom."""

    account_id: int
    following: bool = False
    requested: bool = False  # the viewer's follow request awaits approval
    followed_by: bool = False
    requested_by: bool = False  # their follow request awaits the viewer's approval
    blocking: bool = False
    blocked_by: bool = False
    domain_blocking: bool = False  # the viewer blocks the account's server for themselves


async def relationships(
    session: AsyncSession, viewer_id: int, account_ids: Sequence[int]
) -> dict[int, Relationship]:
    """The viewer's relationship with each account, by account id."""
    ids = list(set(account_ids))
    if not ids:
        return {}
    flags: dict[int, dict[str, bool]] = {account_id: {} for account_id in ids}
    follows = await session.execute(
        select(Follow.follower_id, Follow.target_id, Follow.state).where(
            or_(
                and_(Follow.follower_id == viewer_id, Follow.target_id.in_(ids)),
                and_(Follow.target_id == viewer_id, Follow.follower_id.in_(ids)),
            )
        )
    )
    for follower_id, target_id, state in follows:
        accepted = state == "accepted"
        if follower_id == viewer_id and target_id in flags:
            flags[target_id]["following" if accepted else "requested"] = True
        if target_id == viewer_id and follower_id in flags:
            flags[follower_id]["followed_by" if accepted else "requested_by"] = True
    blocks = await session.execute(
        select(Block.account_id, Block.target_id).where(
            or_(
                and_(Block.account_id == viewer_id, Block.target_id.in_(ids)),
                and_(Block.target_id == viewer_id, Block.account_id.in_(ids)),
            )
        )
    )
    for blocker_id, target_id in blocks:
        if blocker_id == viewer_id and target_id in flags:
            flags[target_id]["blocking"] = True
        if target_id == viewer_id and blocker_id in flags:
            flags[blocker_id]["blocked_by"] = True
    own_blocks = select(AccountDomainBlock.domain).where(AccountDomainBlock.account_id == viewer_id)
    hidden = await session.scalars(
        select(Account.id).where(Account.id.in_(ids), Account.domain.in_(own_blocks))
    )
    for account_id in hidden:
        flags[account_id]["domain_blocking"] = True
    return {account_id: Relationship(account_id, **found) for account_id, found in flags.items()}
