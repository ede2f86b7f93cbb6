"""Queries on posts and their media."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import MediaAttachment, Post


async def by_uri(session: AsyncSession, uri: str) -> Post | None:
    """The post with this id, or None."""
    return (await session.execute(select(Post).where(Post.uri == uri))).scalar_one_or_none()


async def by_id(session: AsyncSession, post_id: int) -> Post | None:
    """The post with this database id, or None."""
    return await session.get(Post, post_id)


async def media_of(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, list[MediaAttachment]]:
    """Media of each post, in attachment order."""
    result: dict[int, list[MediaAttachment]] = {post_id: [] for post_id in post_ids}
    if not post_ids:
        return result
    stmt = (
        select(MediaAttachment)
        .where(MediaAttachment.post_id.in_(post_ids))
        .order_by(MediaAttachment.post_id, MediaAttachment.position)
    )
    for media in (await session.execute(stmt)).scalars():
        assert media.post_id is not None
        result[media.post_id].append(media)
    return result


def _public_of(account_id: int) -> ColumnElement[bool]:
    return and_(
        Post.account_id == account_id, Post.deleted_at.is_(None), Post.visibility == "public"
    )


async def count_public(session: AsyncSession, account_id: int) -> int:
    """Public, undeleted posts of an account."""
    stmt = select(func.count()).select_from(Post).where(_public_of(account_id))
    return int((await session.execute(stmt)).scalar_one())


async def count_local(session: AsyncSession) -> int:
    """Undeleted local posts (for NodeInfo)."""
    stmt = select(func.count()).select_from(Post).where(Post.local, Post.deleted_at.is_(None))
    return int((await session.execute(stmt)).scalar_one())


async def public_page(
    session: AsyncSession, account_id: int, *, limit: int, max_id: int | None = None
) -> Sequence[Post]:
    """An account's public posts, newest first, keyset-paged by id."""
    stmt = select(Post).where(_public_of(account_id)).order_by(Post.id.desc()).limit(limit)
    if max_id is not None:
        stmt = stmt.where(Post.id < max_id)
    return list((await session.execute(stmt)).scalars())


async def media_by_file(session: AsyncSession, file_name: str) -> MediaAttachment | None:
    """The stored media with this generated file name, or None."""
    stmt = select(MediaAttachment).where(MediaAttachment.file_name == file_name)
    return (await session.execute(stmt)).scalar_one_or_none()
