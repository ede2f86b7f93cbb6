"""Queries on user blocks: who blocks whom (local blocks, and remote actors' blocks of locals)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from . import home_feed
from .models import Account, Block, Follow, Post


async def get(session: AsyncSession, account_id: int, target_id: int) -> Block | None:
    """account's block of target, or None."""
    stmt = select(Block).where(Block.account_id == account_id, Block.target_id == target_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def blocks(session: AsyncSession, account_id: int, target_id: int) -> bool:
    """Whether account blocks target."""
    stmt = select(Block.id).where(Block.account_id == account_id, Block.target_id == target_id)
    return (await session.execute(stmt.limit(1))).first() is not None


async def by_uri(session: AsyncSession, uri: str) -> Block | None:
    """The block made by the Block activity `uri`, or None."""
    return (await session.execute(select(Block).where(Block.uri == uri))).scalar_one_or_none()


async def add(session: AsyncSession, *, account_id: int, target_id: int, uri: str) -> Block:
    """Record that account blocks target, or return the block already there."""
    block = await get(session, account_id, target_id)
    if block is None:
        block = Block(account_id=account_id, target_id=target_id, uri=uri)
        session.add(block)
        await session.flush()
        await session.run_sync(
            lambda s: home_feed.forget_blocked(s.connection(), account_id, target_id)
        )
    return block


async def sever(session: AsyncSession, a_id: int, b_id: int) -> list[Follow]:
    """Remove the follows between two accounts, both ways (requests too); returns them."""
    stmt = select(Follow).where(
        ((Follow.follower_id == a_id) & (Follow.target_id == b_id))
        | ((Follow.follower_id == b_id) & (Follow.target_id == a_id))
    )
    found = list((await session.execute(stmt)).scalars())
    if found:
        await session.execute(delete(Follow).where(Follow.id.in_([f.id for f in found])))
        ended = [(f.follower_id, f.target_id) for f in found]
        await session.run_sync(lambda s: home_feed.forget_follows(s.connection(), ended))
    return found


async def blocked_by(session: AsyncSession, account_id: int) -> Sequence[tuple[Block, Account]]:
    """The accounts `account_id` blocks, newest block first."""
    target = aliased(Account)
    stmt = (
        select(Block, target)
        .join(target, target.id == Block.target_id)
        .where(Block.account_id == account_id)
        .order_by(Block.id.desc())
    )
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]


async def local_blockers(session: AsyncSession, target_uris: Sequence[str]) -> dict[str, set[int]]:
    """For each of these actor ids: the local accounts that block it (only those blocked)."""
    if not target_uris:
        return {}
    blocker, target = aliased(Account), aliased(Account)
    stmt = (
        select(target.uri, Block.account_id)
        .join(target, target.id == Block.target_id)
        .join(blocker, blocker.id == Block.account_id)
        .where(target.uri.in_(set(target_uris)), blocker.domain.is_(None))
    )
    found: dict[str, set[int]] = {}
    for uri, account_id in (await session.execute(stmt)).all():
        found.setdefault(uri, set()).add(account_id)
    return found


async def local_readers(
    session: AsyncSession, author_uri: str, mentions: Sequence[str], in_reply_to: str | None
) -> set[int]:
    """The local accounts a remote note is for: those it mentions, the author of the local post
    it replies to, and local followers of its author."""
    readers = select(Account.id).where(Account.uri.in_(set(mentions)), Account.domain.is_(None))
    found = set((await session.execute(readers)).scalars())
    if in_reply_to:
        stmt = select(Post.account_id).where(Post.uri == in_reply_to, Post.local.is_(True))
        found.update((await session.execute(stmt)).scalars())
    author = aliased(Account)
    follower = aliased(Account)
    stmt = (
        select(Follow.follower_id)
        .join(author, author.id == Follow.target_id)
        .join(follower, follower.id == Follow.follower_id)
        .where(author.uri == author_uri, follower.domain.is_(None), Follow.state == "accepted")
    )
    found.update((await session.execute(stmt)).scalars())
    return found
