"""The status lists of the client API beyond the home timeline: the public timelines with
Mastodon's filters, a hashtag's timeline, an account's statuses, and a boost by its id.

All are newest first and keyset-paged by id with a `Window` (storage.timelines), and all
leave out what the viewer may not see (storage.timelines.shown and readable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .models import Account, MediaAttachment, Post, PostTag, Reaction
from .reactions import ANNOUNCE
from .tags import normalise
from .timelines import OPEN, Entry, Window, readable, shown


@dataclass(frozen=True)
class Where:
    """Mastodon's filters of a status list (each off by default)."""

    local: bool = False  # made here
    remote: bool = False  # made elsewhere
    only_media: bool = False  # with a picture
    exclude_replies: bool = False  # no replies to others (replies to oneself stay)
    exclude_reblogs: bool = False  # no boosts
    pinned: bool = False  # pinned posts only
    tagged: str | None = None  # with this hashtag

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters on posts (the boost filter is the caller's)."""
        found: list[ColumnElement[bool]] = []
        if self.local:
            found.append(Post.local.is_(True))
        if self.remote:
            found.append(Post.local.is_(False))
        if self.only_media:
            found.append(exists().where(MediaAttachment.post_id == Post.id))
        if self.exclude_replies:
            found.append(not_reply_to_others())
        if self.pinned:
            found.append(Post.pinned_at.is_not(None))
        if self.tagged is not None:
            names = select(PostTag.post_id).where(PostTag.name == normalise(self.tagged))
            found.append(Post.id.in_(names))
        return found

    @property
    def boosts(self) -> bool:
        """Whether boosts belong in the list: they carry no media, hashtag or pin of their own
        (Mastodon's filters leave them out for the same reason)."""
        return not (self.exclude_reblogs or self.only_media or self.pinned or self.tagged)


def not_reply_to_others() -> ColumnElement[bool]:
    """The post answers nothing, or a stored post of its own author (Mastodon's
    Status.without_replies: a thread of one's own counts as posts)."""
    parent = aliased(Post)
    own = exists().where(parent.uri == Post.in_reply_to_uri, parent.account_id == Post.account_id)
    return or_(Post.in_reply_to_uri.is_(None), own)


def _posts(viewer_id: int | None, *where: ColumnElement[bool]) -> Select[Post, Account]:
    return (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(Post.deleted_at.is_(None), shown(Account, viewer_id), *where)
    )


async def _entries(
    session: AsyncSession, stmt: Select[Post, Account], window: Window
) -> list[Entry]:
    rows = await session.execute(window.apply(stmt, Post.id))
    return [Entry(post.id, post, author) for post, author in rows]


async def public(
    session: AsyncSession, viewer_id: int | None, window: Window, where: Where
) -> list[Entry]:
    """Public posts, without replies to others and without boosts (Mastodon's PublicFeed);
    `where.local` / `where.remote` keep those made here / elsewhere."""
    stmt = _posts(
        viewer_id, Post.visibility == "public", not_reply_to_others(), *where.conditions()
    )
    return window.cut(await _entries(session, stmt, window))


async def tagged(
    session: AsyncSession, viewer_id: int | None, name: str, window: Window, where: Where
) -> list[Entry]:
    """Public posts with the hashtag `name`, replies included (Mastodon's TagFeed)."""
    with_tag = Post.id.in_(select(PostTag.post_id).where(PostTag.name == normalise(name)))
    stmt = _posts(viewer_id, Post.visibility == "public", with_tag, *where.conditions())
    return window.cut(await _entries(session, stmt, window))


async def of_account(
    session: AsyncSession, viewer_id: int | None, account_id: int, window: Window, where: Where
) -> list[Entry]:
    """An account's posts the viewer may read and, unless filtered out, its boosts."""
    stmt = _posts(viewer_id, Post.account_id == account_id, readable(viewer_id))
    candidates = await _entries(session, stmt.where(*where.conditions()), window)
    if where.boosts:
        candidates += await _boosts(session, viewer_id, window, Reaction.account_id == account_id)
    return window.cut(candidates)


def _boost_query(viewer_id: int | None, *where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    booster = aliased(Account)
    return (
        select(Reaction, Post, Account, booster)
        .join(Post, Post.id == Reaction.post_id)
        .join(Account, Account.id == Post.account_id)
        .join(booster, booster.id == Reaction.account_id)
        .where(
            Reaction.kind == ANNOUNCE,
            Post.deleted_at.is_(None),
            Post.visibility.in_(OPEN),  # only these can be boosted
            shown(Account, viewer_id),
            shown(booster, viewer_id),
            *where,
        )
    )


async def _boosts(
    session: AsyncSession, viewer_id: int | None, window: Window, *where: ColumnElement[bool]
) -> list[Entry]:
    rows = await session.execute(window.apply(_boost_query(viewer_id, *where), Reaction.id))
    return [Entry(r.id, post, author, by, r.created_at) for r, post, author, by in rows]


async def boosts_by_id(
    session: AsyncSession, viewer_id: int | None, reaction_ids: Sequence[int]
) -> dict[int, Entry]:
    """The boosts with these ids that the viewer may see, as timeline entries, by id."""
    if not reaction_ids:
        return {}
    rows = await session.execute(_boost_query(viewer_id, Reaction.id.in_(reaction_ids)))
    return {r.id: Entry(r.id, post, author, by, r.created_at) for r, post, author, by in rows}


async def boost_uris(session: AsyncSession, reaction_ids: Sequence[int]) -> dict[int, str]:
    """The Announce activity id of each boost, by the boost's id."""
    if not reaction_ids:
        return {}
    stmt = select(Reaction.id, Reaction.uri).where(Reaction.id.in_(reaction_ids))
    return {row[0]: row[1] for row in await session.execute(stmt)}
