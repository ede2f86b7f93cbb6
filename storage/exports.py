"""What a person's data export reads: their own posts, and the posts they liked or
bookmarked, each a page at a time in id order (so an export of any size is read in bounded
pieces)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Bookmark, Post, Reaction
from .reactions import LIKE


async def own_posts(
    session: AsyncSession, account_id: int, *, after_id: int, limit: int
) -> Sequence[Post]:
    """The account's posts that are not deleted, whatever their visibility, oldest first,
    with ids above `after_id`."""
    stmt = (
        select(Post)
        .where(Post.account_id == account_id, Post.deleted_at.is_(None), Post.id > after_id)
        .order_by(Post.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def liked_uris(
    session: AsyncSession, account_id: int, *, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(like id, post id URI) of the account's likes, oldest first, ids above `after_id`."""
    stmt = (
        select(Reaction.id, Post.uri)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.account_id == account_id, Reaction.kind == LIKE, Reaction.id > after_id)
        .order_by(Reaction.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]


async def bookmarked_uris(
    session: AsyncSession, account_id: int, *, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(bookmark id, post id URI) of the account's bookmarks, oldest first."""
    stmt = (
        select(Bookmark.id, Post.uri)
        .join(Post, Post.id == Bookmark.post_id)
        .where(Bookmark.account_id == account_id, Bookmark.id > after_id)
        .order_by(Bookmark.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]
