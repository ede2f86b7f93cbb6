"""Notifications of local users: written once per cause, read newest first with keyset paging."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from . import stream_events
from .blocks import blocks
from .ids import new_id
from .models import Account, Notification, Post
from .rows import insert_new, rowcount
from .timeutil import utcnow

FOLLOW, FOLLOW_REQUEST, MENTION, REPLY, BOOST, LIKE = (
    "follow",
    "follow_request",
    "mention",
    "reply",
    "boost",
    "like",
)


async def add(
    session: AsyncSession,
    *,
    account_id: int,
    kind: str,
    from_account_id: int,
    source_uri: str,
    post_id: int | None = None,
) -> None:
    """Notify a local account, once per (kind, cause), unless it blocks the sender; the caller
    commits."""
    if account_id == from_account_id:
        return  # nobody is told about their own doing
    if await blocks(session, account_id, from_account_id):
        return  # as Mastodon's NotifyService: nothing from a blocked account reaches its blocker
    notification_id = new_id()
    stmt = insert_new(session, Notification).values(
        id=notification_id,
        account_id=account_id,
        kind=kind,
        from_account_id=from_account_id,
        post_id=post_id,
        source_uri=source_uri,
        created_at=utcnow(),
    )
    if rowcount(await session.execute(stmt)):  # (not when told of this cause already)
        stream_events.record(session, stream_events.NOTIFICATION, notification_id, account_id)


async def about_post(session: AsyncSession, account_id: int, kind: str, post: Post) -> None:
    """Notify a local account of a post (a mention of it, a reply to it) from its author."""
    await add(
        session,
        account_id=account_id,
        kind=kind,
        from_account_id=post.account_id,
        source_uri=post.uri,
        post_id=post.id,
    )


async def newly_mentioned(session: AsyncSession, account_id: int, post: Post) -> None:
    """Notify a local account that an edited post now mentions it, unless it was told of the
    post already, as a mention or as a reply (a reply names whom it answers)."""
    told = select(Notification.id).where(
        Notification.account_id == account_id,
        Notification.post_id == post.id,
        Notification.kind.in_((MENTION, REPLY)),
    )
    if await session.scalar(told.limit(1)) is None:
        await about_post(session, account_id, MENTION, post)


async def withdraw(session: AsyncSession, kind: str, from_account_id: int, post_id: int) -> None:
    """Take back what an undone like or boost said."""
    await session.execute(
        delete(Notification).where(
            Notification.kind == kind,
            Notification.from_account_id == from_account_id,
            Notification.post_id == post_id,
        )
    )


async def page(
    session: AsyncSession, account_id: int, *, limit: int = 20, max_id: int | None = None
) -> Sequence[tuple[Notification, Account, Post | None]]:
    """Newest first; `max_id` continues below the last one seen (Mastodon's paging)."""
    sender = aliased(Account)
    stmt = (
        select(Notification, sender, Post)
        .join(sender, sender.id == Notification.from_account_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.account_id == account_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(Notification.id < max_id)
    return [(row[0], row[1], row[2]) for row in await session.execute(stmt)]
