"""Hashtags: the public posts that carry one, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Post, PostTag
from .timelines import shown


def normalise(name: str) -> str:
    """A hashtag as stored: without the '#', lower case."""
    return name.strip().lstrip("#").lower()


async def tagged_page(
    session: AsyncSession, name: str, *, limit: int, max_id: int | None = None
) -> list[tuple[Post, Account]]:
    """Public, undeleted posts (local and remote) with this hashtag, keyset-paged by id."""
    stmt = (
        select(Post, Account)
        .join(PostTag, PostTag.post_id == Post.id)
        .join(Account, Account.id == Post.account_id)
        .where(
            PostTag.name == normalise(name),
            Post.visibility == "public",
            Post.deleted_at.is_(None),
            shown(Account, None),  # not suspended, not on a blocked server
        )
        .order_by(PostTag.post_id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(PostTag.post_id < max_id)
    return [(row[0], row[1]) for row in await session.execute(stmt)]
