"""What a page of statuses shows beyond the post rows, read for the whole page at once: replies
counted, the posts answered, whom each mentions and its hashtags, and the viewer's reactions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Mention, Post, PostTag, Reaction
from .timelines import OPEN


async def replies_counts(session: AsyncSession, uris: Sequence[str]) -> dict[str, int]:
    """Public and unlisted replies to each post, by the post's uri (Mastodon counts only
    those in `replies_count`); deleted ones are not counted."""
    if not uris:
        return {}
    stmt = (
        select(Post.in_reply_to_uri, func.count())
        .where(
            Post.in_reply_to_uri.in_(set(uris)),
            Post.visibility.in_(OPEN),
            Post.deleted_at.is_(None),
        )
        .group_by(Post.in_reply_to_uri)
    )
    return {str(row[0]): int(row[1]) for row in await session.execute(stmt)}


async def ids_by_uri(session: AsyncSession, uris: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(post id, author id) of the stored posts with these uris (the posts others answer)."""
    if not uris:
        return {}
    stmt = select(Post.uri, Post.id, Post.account_id).where(Post.uri.in_(set(uris)))
    return {row[0]: (row[1], row[2]) for row in await session.execute(stmt)}


async def reactions_of(
    session: AsyncSession, account_id: int, post_ids: Sequence[int]
) -> dict[int, set[str]]:
    """The kinds of reaction (like, announce) the account made to each of these posts."""
    found: dict[int, set[str]] = {}
    if not post_ids:
        return found
    stmt = select(Reaction.post_id, Reaction.kind).where(
        Reaction.account_id == account_id, Reaction.post_id.in_(set(post_ids))
    )
    for post_id, kind in await session.execute(stmt):
        found.setdefault(post_id, set()).add(kind)
    return found


async def mentions_of(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[Account]]:
    """The accounts each post mentions, in the order they were stored."""
    found: dict[int, list[Account]] = {}
    if not post_ids:
        return found
    stmt = (
        select(Mention.post_id, Account)
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.post_id.in_(set(post_ids)))
        .order_by(Mention.id)
    )
    for post_id, account in await session.execute(stmt):
        found.setdefault(post_id, []).append(account)
    return found


async def hashtags_of(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[str]]:
    """The hashtags of each post (lower case, without '#'), in the order they were stored."""
    found: dict[int, list[str]] = {}
    if not post_ids:
        return found
    stmt = (
        select(PostTag.post_id, PostTag.name)
        .where(PostTag.post_id.in_(set(post_ids)))
        .order_by(PostTag.id)
    )
    for post_id, name in await session.execute(stmt):
        found.setdefault(post_id, []).append(name)
    return found
