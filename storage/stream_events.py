"""Stream events: written with the change they announce, read by each server process's hub
(fedi.workers.stream_hub), pruned after a while. Also the two facts the hub asks when it
decides who hears of a post: its public facts, and which listeners follow its author."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .auth_models import OAuthToken
from .ids import first_id_at, new_id
from .models import Account, Follow, Post, PostTag, StreamEvent
from .timeutil import utcnow

UPDATE, STATUS_UPDATE, DELETE, NOTIFICATION = "update", "status.update", "delete", "notification"


def record(session: AsyncSession, kind: str, ref_id: int, account_id: int) -> None:
    """Announce a change to the streaming API, in the caller's transaction (nothing is
    announced if it rolls back)."""
    session.add(
        StreamEvent(
            id=new_id(), kind=kind, ref_id=ref_id, account_id=account_id, created_at=utcnow()
        )
    )


async def newest_id(session: AsyncSession) -> int:
    """The id a reader starting now reads on from (0 when there are no events)."""
    return int(await session.scalar(select(func.max(StreamEvent.id))) or 0)


async def since(
    session: AsyncSession, after_id: int, lookback: float, *, limit: int = 1000
) -> Sequence[StreamEvent]:
    """Events made after `after_id` or in the last `lookback` seconds, oldest first. Ids are
    taken when a row is written but seen when its transaction commits, so a transaction that
    commits late shows an id below one already read: the reader reads the lookback window
    again and skips the ids it has seen."""
    floor = min(after_id, first_id_at(utcnow() - timedelta(seconds=lookback)))
    stmt = select(StreamEvent).where(StreamEvent.id > floor).order_by(StreamEvent.id)
    return (await session.scalars(stmt.limit(limit))).all()


async def prune(session: AsyncSession, older_than: float) -> None:
    """Forget events older than `older_than` seconds; the caller commits."""
    cutoff = utcnow() - timedelta(seconds=older_than)
    await session.execute(delete(StreamEvent).where(StreamEvent.created_at < cutoff))


@dataclass(frozen=True)
class PostFacts:
    """What decides which public streams hear of a post."""

    visibility: str
    local: bool
    tags: frozenset[str]


async def post_facts(session: AsyncSession, post_id: int) -> PostFacts | None:
    """The post's visibility, whether it was made here, and its hashtags; None if it is gone."""
    row = (
        await session.execute(
            select(Post.visibility, Account.domain)
            .join(Account, Account.id == Post.account_id)
            .where(Post.id == post_id)
        )
    ).first()
    if row is None:
        return None
    tags = await session.scalars(select(PostTag.name).where(PostTag.post_id == post_id))
    return PostFacts(row.visibility, row.domain is None, frozenset(tags))


async def revoked_among(session: AsyncSession, token_ids: Collection[int]) -> set[int]:
    """Those of `token_ids` revoked or gone."""
    if not token_ids:
        return set()
    stmt = select(OAuthToken.id).where(
        OAuthToken.id.in_(list(token_ids)), OAuthToken.revoked_at.is_(None)
    )
    return set(token_ids) - set(await session.scalars(stmt))


async def followers_among(
    session: AsyncSession, target_id: int, account_ids: Collection[int]
) -> set[int]:
    """Those of `account_ids` whose follow of `target_id` is accepted."""
    if not account_ids:
        return set()
    stmt = select(Follow.follower_id).where(
        Follow.target_id == target_id,
        Follow.state == "accepted",
        Follow.follower_id.in_(list(account_ids)),
    )
    return set(await session.scalars(stmt))
