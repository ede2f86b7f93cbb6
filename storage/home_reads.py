"""The home timeline read from a local account's precomputed feed (storage.home_feed).

A page is one range scan of the (reader, entry id) key, newest first, checking each row as it
goes exactly as storage.timelines' query would choose it: the post not deleted, its author
(and booster) shown to the reader, the post readable, a boost still there and still public or
unlisted, its owner (the author of a post, the booster of a boost) the reader or one it still
follows. Below where the feed is complete (`HomeFeed.complete_from`: trimmed to its cap, or a
follow's backfill stopped short) the page goes on with storage.timelines' query. Either way
the page is what `storage.timelines.home` answers.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .feed_models import HomeFeed, HomeFeedEntry
from .models import Account, Post, Reaction
from .reactions import ANNOUNCE
from .timelines import (
    OPEN,
    Entry,
    Window,
    follows_of,
    home_candidates,
    home_page,
    readable,
    shown,
)


async def home(
    session: AsyncSession,
    account_id: int,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Entry]:
    """Own and followed accounts' posts and boosts, as storage.timelines.home, from the feed."""
    window = Window(limit, max_id, since_id, min_id)
    return await home_page(session, account_id, window, _Reader().candidates)


class _Reader:
    """The candidates of one home page; reads where the feed is complete from only when the
    page needs to know (it reaches below the feed's rows, or reads up from an old min_id)."""

    def __init__(self) -> None:
        self.floor: int | None = None

    async def _floor(self, session: AsyncSession, account_id: int) -> int:
        if self.floor is None:
            stmt = select(HomeFeed.complete_from).where(HomeFeed.account_id == account_id)
            self.floor = (await session.scalar(stmt)) or 0
        return self.floor

    async def candidates(
        self, session: AsyncSession, account_id: int, window: Window
    ) -> list[Entry]:
        """The window's first home entries in reading order: the feed's from where it is
        complete up, and the posts' own below it when the window reaches there and the
        feed's do not fill it."""
        found = await _from_feed(session, account_id, window)
        if len(found) == window.limit and not window.upward:
            return found
        floor = await self._floor(session, account_id)
        lower = window.min_id if window.min_id is not None else window.since_id
        if floor > 0 and (lower is None or lower + 1 < floor):
            top = floor if window.max_id is None else min(window.max_id, floor)
            found += await home_candidates(session, account_id, replace(window, max_id=top))
        return window.ordered(found)


def _home_account(column: Any, account_id: Any) -> ColumnElement[bool]:
    """The account (`column`) is the reader or one it follows (probed row by row: a chunk
    is a few dozen rows)."""
    return or_(column == account_id, follows_of(account_id, column))


async def _from_feed(session: AsyncSession, account_id: int, window: Window) -> list[Entry]:
    """The window's first entries of the feed (from where it is complete up) that pass the
    checks, in reading order. The feed's rows are read in chunks of twice the page (a range
    scan of the key that stops there; checked as one statement, the planners would rather
    check every row of the feed and sort them), chunk after chunk while rows checked away
    leave the page short."""
    found: list[Entry] = []
    limit = window.limit
    while True:
        lower = window.min_id if window.min_id is not None else window.since_id
        page, chunk_of = _statements(window.max_id is not None, lower is not None, window.upward)
        params = {
            "viewer": account_id,
            "max_id": window.max_id,
            "lower": lower,
            "chunk": 2 * limit,
            "limit": limit - len(found),
        }
        found += [Entry(*row) for row in await session.execute(page, params)]
        if len(found) >= limit:
            return found[:limit]
        read, first, last = (await session.execute(chunk_of, params)).one()
        if read < 2 * limit:
            return found
        window = window.past(last if window.upward else first)


@cache
def _statements(
    below: bool, above: bool, upward: bool
) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """A page of checked feed rows, and the size and ends of the chunk it was read from, for
    a window with (or without) an upper and a lower bound, read down (or up); built once
    each, with the viewer, bounds and sizes as parameters."""
    viewer: Any = bindparam("viewer", type_=BigInteger)
    entries = HomeFeedEntry.__table__.c
    complete_from = (
        select(func.coalesce(func.max(HomeFeed.complete_from), 0))
        .where(HomeFeed.account_id == viewer)
        .scalar_subquery()
    )
    where = [entries.account_id == viewer, entries.entry_id >= complete_from]
    if below:
        where.append(entries.entry_id < bindparam("max_id", type_=BigInteger))
    if above:
        where.append(entries.entry_id > bindparam("lower", type_=BigInteger))
    order = entries.entry_id.asc() if upward else entries.entry_id.desc()
    chunk = (
        select(entries.entry_id, entries.post_id, entries.booster_id)
        .where(*where)
        .order_by(order)
        .limit(bindparam("chunk", type_=Integer))
        .subquery()
    )
    feed = chunk.c
    page = (
        _checked(feed, viewer)
        .order_by(feed.entry_id.asc() if upward else feed.entry_id.desc())
        .limit(bindparam("limit", type_=Integer))
    )
    ends = select(func.count(), func.min(feed.entry_id), func.max(feed.entry_id))
    return page, ends


def _checked(feed: Any, account_id: Any) -> Select[*tuple[Any, ...]]:
    """The feed's rows (`feed`: the columns of a chunk of them) as storage.timelines' query
    would choose them for the reader (`account_id`: a bound parameter)."""
    booster = aliased(Account)
    as_post = and_(
        feed.booster_id.is_(None),
        feed.entry_id == Post.id,
        readable(account_id),
        _home_account(Post.account_id, account_id),
    )
    as_boost = and_(
        Reaction.kind == ANNOUNCE,
        Reaction.account_id == feed.booster_id,
        Reaction.post_id == Post.id,
        Post.visibility.in_(OPEN),
        shown(booster, account_id),
        _home_account(booster.id, account_id),
    )
    return (
        select(feed.entry_id, Post, Account, booster, Reaction.created_at)
        .select_from(feed.entry_id.table)
        .join(Post, Post.id == feed.post_id)
        .join(Account, Account.id == Post.account_id)
        .outerjoin(booster, booster.id == feed.booster_id)
        .outerjoin(Reaction, and_(Reaction.id == feed.entry_id, feed.booster_id.is_not(None)))
        .where(Post.deleted_at.is_(None), shown(Account, account_id), or_(as_post, as_boost))
    )
