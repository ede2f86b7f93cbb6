"""Local pictures before and as they are posted: an uploader's unattached media, and taking
them into a post (each at most once, even when two statuses race for it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import MediaAttachment
from .rows import rowcount
from .work_models import Generation

UPLOADED, GENERATED = "uploaded", "generated"


async def unattached(
    session: AsyncSession, account_id: int, media_id: int
) -> MediaAttachment | None:
    """The account's picture `media_id` if no post carries it yet (Mastodon edits only those)."""
    row = await session.get(MediaAttachment, media_id)
    if row is None or row.account_id != account_id or row.post_id is not None:
        return None
    return row


async def all_unattached(
    session: AsyncSession, account_id: int, media_ids: Sequence[int]
) -> list[MediaAttachment]:
    """Those of `media_ids` that are the account's and not in a post, in the order asked."""
    if not media_ids:
        return []
    rows = await session.scalars(
        select(MediaAttachment).where(
            MediaAttachment.id.in_(media_ids),
            MediaAttachment.account_id == account_id,
            MediaAttachment.post_id.is_(None),
        )
    )
    found = {row.id: row for row in rows}
    return [found[number] for number in media_ids if number in found]


async def attach(
    session: AsyncSession, account_id: int, post_id: int, media_ids: Sequence[int]
) -> bool:
    """Put the account's unattached pictures into a post, in order; False (and nothing that
    can be kept: roll back) when one of them is no longer free."""
    taken = 0
    for position, media_id in enumerate(media_ids):
        result = await session.execute(
            update(MediaAttachment)
            .where(
                MediaAttachment.id == media_id,
                MediaAttachment.account_id == account_id,
                MediaAttachment.post_id.is_(None),
            )
            .values(post_id=post_id, position=position)
        )
        taken += rowcount(result)
    return taken == len(media_ids)


async def generations_of(
    session: AsyncSession, media: Sequence[MediaAttachment]
) -> dict[int, Generation]:
    """The generation that painted each of these pictures, by picture id (painted ones only)."""
    wanted = {row.generation_id: row.id for row in media if row.generation_id is not None}
    if not wanted:
        return {}
    rows = await session.scalars(select(Generation).where(Generation.id.in_(list(wanted))))
    return {wanted[row.id]: row for row in rows}


async def remove_stale(session: AsyncSession, account_id: int, before: datetime) -> list[str]:
    """Delete the account's pictures made before `before` that no status took; their files,
    for the caller to unlink once this has committed."""
    stmt = (
        delete(MediaAttachment)
        .where(
            MediaAttachment.account_id == account_id,
            MediaAttachment.post_id.is_(None),
            MediaAttachment.origin.is_not(None),  # local pictures only
            MediaAttachment.created_at < before,
        )
        .returning(MediaAttachment.file_name)
    )
    return [str(name) for name in (await session.execute(stmt)).scalars() if name is not None]
