"""Queries on posts and their media."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import (
    Account,
    Bookmark,
    MediaAttachment,
    Mention,
    Notification,
    Post,
    PostTag,
    Reaction,
)
from .timelines import shown
from .timeutil import utcnow


async def by_uri(session: AsyncSession, uri: str) -> Post | None:
    """The post with this id, or None."""
    return (await session.execute(select(Post).where(Post.uri == uri))).scalar_one_or_none()


async def by_id(session: AsyncSession, post_id: int) -> Post | None:
    """The post with this database id, or None."""
    return await session.get(Post, post_id)


@cache
def _media() -> Select[MediaAttachment]:
    """The media of the posts `post_ids` (built once: it is read on every page)."""
    return (
        select(MediaAttachment)
        .where(MediaAttachment.post_id.in_(bindparam("post_ids", expanding=True)))
        .order_by(MediaAttachment.post_id, MediaAttachment.position)
    )


async def media_of(
    session: AsyncSession, post_ids: Sequence[int]
) -> dict[int, list[MediaAttachment]]:
    """Media of each post, in attachment order."""
    result: dict[int, list[MediaAttachment]] = {post_id: [] for post_id in post_ids}
    if not post_ids:
        return result
    params = {"post_ids": list(post_ids)}
    for media in (await session.execute(_media(), params)).scalars():
        assert media.post_id is not None
        result[media.post_id].append(media)
    return result


# Visibilities shown to anyone on a profile and in an outbox (unlisted ones are left out of
# public timelines only); followers-only and direct posts never are.
LISTED = ("public", "unlisted")


def _public_of(account_id: int) -> ColumnElement[bool]:
    return and_(
        Post.account_id == account_id, Post.deleted_at.is_(None), Post.visibility.in_(LISTED)
    )


async def count_public(session: AsyncSession, account_id: int) -> int:
    """Public and unlisted, undeleted posts of an account."""
    stmt = select(func.count()).select_from(Post).where(_public_of(account_id))
    return int((await session.execute(stmt)).scalar_one())


async def count_local(session: AsyncSession) -> int:
    """Undeleted local posts (for NodeInfo)."""
    stmt = select(func.count()).select_from(Post).where(Post.local, Post.deleted_at.is_(None))
    return int((await session.execute(stmt)).scalar_one())


async def public_page(
    session: AsyncSession, account_id: int, *, limit: int, max_id: int | None = None
) -> Sequence[Post]:
    """An account's public and unlisted posts, newest first, keyset-paged by id."""
    stmt = select(Post).where(_public_of(account_id)).order_by(Post.id.desc()).limit(limit)
    if max_id is not None:
        stmt = stmt.where(Post.id < max_id)
    return list((await session.execute(stmt)).scalars())


async def media_by_file(session: AsyncSession, file_name: str) -> MediaAttachment | None:
    """The stored media with this generated file name, or None."""
    stmt = select(MediaAttachment).where(MediaAttachment.file_name == file_name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def tombstone(session: AsyncSession, post_id: int) -> list[str]:
    """Turn a post into a tombstone: content cleared, deleted_at set, its media, reactions,
    bookmarks, notifications, mentions and hashtags removed. Returns the stored media files to
    unlink."""
    files = await remove_media(session, post_id)
    for table in (Reaction, Bookmark, Notification, Mention, PostTag):
        await session.execute(delete(table).where(table.post_id == post_id))
    await session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(
            deleted_at=utcnow(),
            content_html="",
            caption="",
            spoiler_text="",
            prompt=None,
            pinned_at=None,
        )
    )
    return files


async def local_mentions(session: AsyncSession, post_id: int) -> list[int]:
    """Ids of the local accounts a post mentions."""
    rows = await session.execute(
        select(Mention.account_id)
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.post_id == post_id, Account.domain.is_(None))
    )
    return list(rows.scalars())


async def remove_media(session: AsyncSession, post_id: int) -> list[str]:
    """Delete a post's media; returns their stored files, for the caller to unlink once it
    has committed."""
    return await _remove_media(session, MediaAttachment.post_id == post_id)


async def remove_media_of_account(session: AsyncSession, account_id: int) -> list[str]:
    """Delete the media of an account's posts; returns their stored files to unlink."""
    return await _remove_media(session, MediaAttachment.account_id == account_id)


async def _remove_media(session: AsyncSession, where: ColumnElement[bool]) -> list[str]:
    # The file names come from the DELETE itself, not from a read before it: a copy of a
    # remote image recorded in between (fedi.workers.images, on PostgreSQL, where it need not
    # wait for this transaction) would be deleted with its row, and its file never unlinked.
    # A copy recorded after the DELETE finds no row and is removed by the image worker.
    stmt = delete(MediaAttachment).where(where).returning(MediaAttachment.file_name)
    return [str(name) for name in (await session.execute(stmt)).scalars() if name is not None]


async def local_pictures_page(
    session: AsyncSession, *, limit: int, max_id: int | None = None
) -> list[tuple[Post, Account]]:
    """The public, undeleted pictures made here (the front page), newest first, keyset-paged
    by id: the posts with a picture whose authors are local and not suspended."""
    stmt = (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(
            Post.local.is_(True),
            Post.visibility == "public",
            Post.deleted_at.is_(None),
            exists().where(MediaAttachment.post_id == Post.id),
            shown(Account, None),
        )
        .order_by(Post.id.desc())
        .limit(limit)
    )
    if max_id is not None:
        stmt = stmt.where(Post.id < max_id)
    return [(row[0], row[1]) for row in await session.execute(stmt)]
