"""The remixes of a post: the posts whose `remix_of_uri` names it, as a viewer may read them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Post
from storage.timelines import readable, shown

REMIXES_SHOWN = 20


async def remixes_of(
    session: AsyncSession, uri: str, viewer_id: int | None = None, limit: int = REMIXES_SHOWN
) -> list[tuple[Post, Account]]:
    """The newest `limit` posts remixing the post `uri` that the viewer (None: a visitor) may
    read, not deleted, each with its author; newest first."""
    stmt = (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(
            Post.remix_of_uri == uri,
            Post.deleted_at.is_(None),
            readable(viewer_id),
            shown(Account, viewer_id),
        )
        .order_by(Post.id.desc())
        .limit(limit)
    )
    return [(post, author) for post, author in (await session.execute(stmt)).all()]


async def source_author(session: AsyncSession, uri: str) -> Account | None:
    """The author of the post `uri` (the source of a remix), if it is stored here."""
    stmt = select(Account).join(Post, Post.account_id == Account.id).where(Post.uri == uri)
    return await session.scalar(stmt)
