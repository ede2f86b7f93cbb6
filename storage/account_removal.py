"""Removing a local account's data when it is deleted; the account row and its key stay, so
the Delete that tells other servers can still be signed and delivered."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Block, Bookmark, Follow, Notification, Post, Reaction, User
from .posts import remove_media_of_account
from .timeutil import utcnow
from .work_models import Delivery, Generation, OutboundActivity


async def known_inboxes(session: AsyncSession, account_id: int) -> list[str]:
    """Every inbox that knows the account: its followers' (requests too), those of the
    accounts it follows, and every inbox it ever delivered to."""
    inbox = func.coalesce(Account.shared_inbox_url, Account.inbox_url)
    related = (
        select(inbox)
        .join(
            Follow,
            or_(
                (Follow.follower_id == Account.id) & (Follow.target_id == account_id),
                (Follow.target_id == Account.id) & (Follow.follower_id == account_id),
            ),
        )
        .where(Account.domain.is_not(None))
    )
    delivered = (
        select(Delivery.inbox_url)
        .join(OutboundActivity, OutboundActivity.id == Delivery.activity_id)
        .where(OutboundActivity.account_id == account_id)
    )
    found = set((await session.execute(related)).scalars())
    found.update((await session.execute(delivered.distinct())).scalars())
    return sorted(str(url) for url in found)


async def erase(session: AsyncSession, account_id: int) -> list[str]:
    """Remove the account's posts and media (their reactions and notifications go with them),
    follows both ways, reactions, bookmarks, notifications, blocks, generations and sign-in
    data, and mark it suspended; the caller commits, then unlinks the media files returned."""
    files = await remove_media_of_account(session, account_id)
    await session.execute(delete(Post).where(Post.account_id == account_id))
    await session.execute(
        delete(Follow).where(or_(Follow.follower_id == account_id, Follow.target_id == account_id))
    )
    await session.execute(delete(Reaction).where(Reaction.account_id == account_id))
    await session.execute(delete(Bookmark).where(Bookmark.account_id == account_id))
    await session.execute(
        delete(Notification).where(
            or_(Notification.account_id == account_id, Notification.from_account_id == account_id)
        )
    )
    await session.execute(
        delete(Block).where(or_(Block.account_id == account_id, Block.target_id == account_id))
    )
    await session.execute(delete(Generation).where(Generation.account_id == account_id))
    await session.execute(delete(User).where(User.account_id == account_id))
    await session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(suspended_at=utcnow(), display_name="", summary="", icon_url=None, header_url=None)
    )
    return files
