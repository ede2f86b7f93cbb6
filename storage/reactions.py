"""Likes and boosts: recorded once, undone only by whoever made them, counted per post."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from . import home_feed
from .ids import new_id
from .models import Account, Reaction
from .rows import insert_new, rowcount
from .timeutil import utcnow

LIKE, ANNOUNCE = "like", "announce"


async def add(session: AsyncSession, kind: str, uri: str, account_id: int, post_id: int) -> bool:
    """Record a like or boost; False if that activity, or the same reaction, is already here."""
    reaction_id = new_id()
    stmt = insert_new(session, Reaction).values(
        id=reaction_id,
        kind=kind,
        uri=uri,
        account_id=account_id,
        post_id=post_id,
        created_at=utcnow(),
    )
    added = bool(rowcount(await session.execute(stmt)))
    if added and kind == ANNOUNCE:
        await session.run_sync(lambda s: home_feed.fan_out_boosts(s.connection(), [reaction_id]))
    return added


async def remove(
    session: AsyncSession, kind: str, account_id: int, *, uri: str | None, post_id: int | None
) -> list[int]:
    """Undo the account's own reaction, named by its activity id or by the post it was on;
    returns the posts it was on."""
    named = [Reaction.uri == uri] if uri is not None else []
    if post_id is not None:
        named.append(Reaction.post_id == post_id)
    if not named:
        return []
    stmt = (
        delete(Reaction)
        .where(Reaction.kind == kind, Reaction.account_id == account_id, or_(*named))
        .returning(Reaction.post_id)
    )
    return list((await session.execute(stmt)).scalars())


async def counts(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Likes and boosts per post: {post_id: {"like": n, "announce": m}} (zeros included)."""
    result: dict[int, dict[str, int]] = {post_id: {LIKE: 0, ANNOUNCE: 0} for post_id in post_ids}
    if not post_ids:
        return result
    stmt = (
        select(Reaction.post_id, Reaction.kind, func.count())
        .where(Reaction.post_id.in_(post_ids))
        .group_by(Reaction.post_id, Reaction.kind)
    )
    for post_id, kind, count in await session.execute(stmt):
        result[post_id][kind] = int(count)
    return result


async def find(session: AsyncSession, kind: str, account_id: int, post_id: int) -> Reaction | None:
    """The account's like or boost of a post, or None."""
    stmt = select(Reaction).where(
        Reaction.kind == kind, Reaction.account_id == account_id, Reaction.post_id == post_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_uri(session: AsyncSession, uri: str) -> Reaction | None:
    """The reaction recorded for the Like/Announce activity `uri`, or None."""
    return (await session.execute(select(Reaction).where(Reaction.uri == uri))).scalar_one_or_none()


async def remote_inboxes(session: AsyncSession, post_id: int) -> list[str]:
    """Inboxes of the remote accounts that liked or boosted a post (the shared one where known):
    they hold a copy of it, so they must hear of its Delete."""
    inbox = func.coalesce(Account.shared_inbox_url, Account.inbox_url)
    stmt = (
        select(inbox)
        .join(Reaction, Reaction.account_id == Account.id)
        .where(Reaction.post_id == post_id, Account.domain.is_not(None))
        .distinct()
    )
    return sorted(str(row) for row in (await session.execute(stmt)).scalars())
