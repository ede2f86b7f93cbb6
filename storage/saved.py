"""What a local user keeps: bookmarks (saved, added, removed) and, read the same way, the
posts they liked; both pages newest first by the bookmark's or the like's id, as Mastodon's
GET /api/v1/bookmarks and /api/v1/favourites page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Bookmark, Post, Reaction
from .reactions import LIKE
from .timelines import Entry, Window, readable, shown


async def add(session: AsyncSession, account_id: int, post_id: int) -> None:
    """Bookmark a post; bookmarking it again changes nothing."""
    found = await session.scalar(
        select(Bookmark.id).where(Bookmark.account_id == account_id, Bookmark.post_id == post_id)
    )
    if found is None:
        session.add(Bookmark(account_id=account_id, post_id=post_id))
        await session.flush()


async def remove(session: AsyncSession, account_id: int, post_id: int) -> None:
    """Take a bookmark away (none: nothing happens)."""
    await session.execute(
        delete(Bookmark).where(Bookmark.account_id == account_id, Bookmark.post_id == post_id)
    )


async def bookmarked(session: AsyncSession, account_id: int, post_ids: list[int]) -> set[int]:
    """Which of these posts the account bookmarked."""
    if not post_ids:
        return set()
    stmt = select(Bookmark.post_id).where(
        Bookmark.account_id == account_id, Bookmark.post_id.in_(set(post_ids))
    )
    return set((await session.execute(stmt)).scalars())


async def bookmarks_page(
    session: AsyncSession, account_id: int, window: Window
) -> list[tuple[int, Entry]]:
    """(bookmark id, post) of the account's bookmarks it may still read, newest first."""
    stmt = select(Bookmark.id, Post, Account).join(Post, Post.id == Bookmark.post_id)
    return await _page(session, account_id, window, stmt.where(Bookmark.account_id == account_id))


async def favourites_page(
    session: AsyncSession, account_id: int, window: Window
) -> list[tuple[int, Entry]]:
    """(like id, post) of the posts the account liked and may still read, newest like first."""
    stmt = select(Reaction.id, Post, Account).join(Post, Post.id == Reaction.post_id)
    mine = stmt.where(Reaction.account_id == account_id, Reaction.kind == LIKE)
    return await _page(session, account_id, window, mine)


async def _page(
    session: AsyncSession, account_id: int, window: Window, stmt: Any
) -> list[tuple[int, Entry]]:
    key = stmt.selected_columns[0]
    stmt = stmt.join(Account, Account.id == Post.account_id).where(
        Post.deleted_at.is_(None), shown(Account, account_id), readable(account_id)
    )
    rows = [
        (row_id, Entry(post.id, post, author))
        for row_id, post, author in await session.execute(window.apply(stmt, key))
    ]
    return rows[::-1] if window.upward else rows
