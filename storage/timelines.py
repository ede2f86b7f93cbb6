"""Timelines, newest first and keyset-paged by id (ids carry the publishing time).

Home is one's own posts, the posts of accounts one follows, and boosts by either (each post
once a page, by its newest entry); the local and federated timelines are public posts (no
boosts, as in Mastodon). Paging follows Mastodon's client API: `max_id` pages down, `since_id`
gives the newest entries above an id, `min_id` the entries right above it (it wins over
`since_id`); every page is newest first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import BigInteger, ColumnElement, Result, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .models import Account, Block, DomainBlock, Follow, Mention, Post, Reaction
from .reactions import ANNOUNCE
from .user_models import AccountDomainBlock

# Visibilities anyone may read (and boost).
OPEN = ("public", "unlisted")
# Rows of the home accounts (the viewer's and followed ones) counted, at most, to choose how a
# home page is read (see _home_rows).
PROBE = 1000

Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")
# (session, viewer id, window) -> the window's first home entries in reading order
Candidates = Callable[[AsyncSession, int, "Window"], Awaitable[list["Entry"]]]
Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class Entry:
    """A post in a timeline, or a boost of one (then `booster` and `boosted_at` are set).

    `id` is the entry's keyset position: the post's id, or the boost's (Reaction) id."""

    id: int
    post: Post
    author: Account
    booster: Account | None = None
    boosted_at: datetime | None = None


@dataclass(frozen=True)
class Window:
    """Which slice of a timeline to read (Mastodon's limit, max_id, since_id, min_id)."""

    limit: int = 20
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None

    @property
    def upward(self) -> bool:
        """True when reading up from min_id (oldest first, reversed before returning)."""
        return self.min_id is not None

    def bounds(self, column: Any) -> list[ColumnElement[bool]]:
        """The window's bounds on the keyset column."""
        bounds = [column < self.max_id] if self.max_id is not None else []
        lower = self.min_id if self.min_id is not None else self.since_id
        return bounds + ([column > lower] if lower is not None else [])

    def apply(self, stmt: Query, column: Any) -> Query:
        """Bound, order and limit a query on the keyset column."""
        order = column.asc() if self.upward else column.desc()
        return stmt.where(*self.bounds(column)).order_by(order).limit(self.limit)

    def ordered(self, entries: list[Entry]) -> list[Entry]:
        """Candidates from several queries in reading order (newest first; oldest first up
        from min_id), at most the window's limit of them."""
        entries.sort(key=lambda entry: entry.id, reverse=not self.upward)
        return entries[: self.limit]

    def cut(self, entries: list[Entry]) -> list[Entry]:
        """The window's entries out of candidates from several queries, newest first."""
        kept = self.ordered(entries)
        return kept[::-1] if self.upward else kept

    def past(self, entry_id: int) -> Window:
        """The rest of the window, read on from entry `entry_id` in reading order."""
        return replace(self, min_id=entry_id) if self.upward else replace(self, max_id=entry_id)


def fold(window: Window, candidates: list[Entry], page: dict[int, Entry]) -> bool:
    """Add candidates, in reading order, to a page of entries by post id, keeping each post's
    newest entry; True once the page is full. It fills on the entry read last, so every entry
    folded away was read before the page's last one, and the next page (read on from that
    one) never meets it again."""
    for entry in candidates:
        if entry.post.id in page:
            if window.upward:  # read oldest first: the newer entry takes the post's place
                page[entry.post.id] = entry
            continue
        page[entry.post.id] = entry
        if len(page) >= window.limit:
            return True
    return False


def shown(author: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """The author (an Account or an alias of it) is one the viewer may see: not suspended, not
    on a blocked domain, not blocked by the viewer, not on a server the viewer blocks."""
    rules = [
        author.suspended_at.is_(None),
        author.suspended_since.is_(None),
        or_(author.domain.is_(None), author.domain.not_in(select(DomainBlock.domain))),
    ]
    if viewer_id is not None:
        blocked = select(Block.target_id).where(Block.account_id == viewer_id)
        rules.append(author.id.not_in(blocked))
        own = select(AccountDomainBlock.domain).where(AccountDomainBlock.account_id == viewer_id)
        rules.append(or_(author.domain.is_(None), author.domain.not_in(own)))
    return and_(*rules)


def readable(viewer_id: int | None) -> ColumnElement[bool]:
    """The post is one the viewer may read (Mastodon's rules): public and unlisted ones by
    anyone; followers-only ones by the author's accepted followers; direct ones only by those
    it mentions. The author reads all their own."""
    open_to_all = Post.visibility.in_(OPEN)
    if viewer_id is None:
        return open_to_all
    mentioned = (
        select(Mention.id)
        .where(Mention.post_id == Post.id, Mention.account_id == viewer_id)
        .exists()
    )
    follower = and_(Post.visibility == "private", Post.account_id.in_(followed(viewer_id)))
    return or_(open_to_all, Post.account_id == viewer_id, follower, mentioned)


def followed(account_id: int) -> Select[int]:
    """The accounts `account_id` follows (accepted follows)."""
    return select(Follow.target_id).where(
        Follow.follower_id == account_id, Follow.state == "accepted"
    )


def follows_of(follower: Any, target: Any) -> ColumnElement[bool]:
    """`follower` follows `target` (an accepted follow), found by the follow's key: for
    checking a few rows, where `IN (followed(...))` would read and hash every follow of one
    who follows thousands (0.6 ms a statement on PostgreSQL at 2,000)."""
    return (
        select(Follow.id)
        .where(Follow.follower_id == follower, Follow.target_id == target)
        .where(Follow.state == "accepted")
        .exists()
    )


async def followed_here(session: AsyncSession, account_id: int) -> bool:
    """Whether a local account follows this one (then its boosts reach home timelines)."""
    stmt = (
        select(Follow.id)
        .join(Account, Account.id == Follow.follower_id)
        .where(Follow.target_id == account_id, Follow.state == "accepted", Account.domain.is_(None))
        .limit(1)
    )
    return (await session.scalar(stmt)) is not None


async def home(
    session: AsyncSession,
    account_id: int,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Entry]:
    """Own and followed accounts' posts and boosts (accepted follows), strictly by id; each
    post once a page, by its newest entry (Mastodon shows a post once when it, or a boost of
    it, is already recent in the feed), the page filled up past the entries folded away."""
    window = Window(limit, max_id, since_id, min_id)
    return await home_page(session, account_id, window, home_candidates)


async def home_page(
    session: AsyncSession, account_id: int, window: Window, read: Candidates
) -> list[Entry]:
    """A home page out of `read`'s candidates (this module's query, or the precomputed feed of
    storage.home_reads): each post once, by its newest entry, filled past those folded away."""
    page: dict[int, Entry] = {}
    while True:
        candidates = await read(session, account_id, window)
        full = fold(window, candidates, page)
        if full or not candidates or len(candidates) < window.limit:
            break
        window = window.past(candidates[-1].id)
    return sorted(page.values(), key=lambda entry: entry.id, reverse=True)


async def home_candidates(session: AsyncSession, account_id: int, window: Window) -> list[Entry]:
    """The window's first home entries in reading order, duplicates of a post included."""
    booster = aliased(Account)
    posts = (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(Post.deleted_at.is_(None), shown(Account, account_id), readable(account_id))
    )
    boost = _is_boost(session)
    boosts = (
        select(Reaction, Post, Account, booster)
        .join(Post, Post.id == Reaction.post_id)
        .join(Account, Account.id == Post.account_id)
        .join(booster, booster.id == Reaction.account_id)
        .where(
            boost,
            Post.deleted_at.is_(None),
            Post.visibility.in_(OPEN),  # only these can be boosted
            shown(Account, account_id),
            shown(booster, account_id),
        )
    )
    post_rows = await _home_rows(session, account_id, window, posts, Post.account_id, Post.id)
    boost_rows = await _home_rows(
        session, account_id, window, boosts, Reaction.account_id, Reaction.id, boost
    )
    return window.ordered(
        [Entry(post.id, post, author) for post, author in post_rows]
        + [Entry(r.id, post, author, by, r.created_at) for r, post, author, by in boost_rows]
    )


def _is_boost(session: AsyncSession) -> ColumnElement[bool]:
    """The reaction is a boost. On SQLite, `|| ''` keeps the planner off the (kind, account,
    post) index, which it would otherwise walk through every boost there is; PostgreSQL's
    planner weighs that index rightly (and misjudges the row count of the `||` form)."""
    on_sqlite = session.bind is None or session.bind.dialect.name == "sqlite"
    return (Reaction.kind.concat("") if on_sqlite else Reaction.kind) == ANNOUNCE


async def _home_rows(
    session: AsyncSession,
    account_id: int,
    window: Window,
    stmt: Select[*Row],
    owner: Any,
    key: Any,
    *where: ColumnElement[bool],
) -> Result[*Row]:
    """A page of `stmt`'s rows owned by the viewer or an account it follows, by `key`.

    Two plans, chosen by counting (up to PROBE) those accounts' rows in the window. With few,
    theirs are read by the (owner, key) index and sorted. With many, `+ 0` keeps the planner
    off that index: it walks the key's index in order and stops after a page, which takes few
    steps exactly because their rows are frequent. (Mastodon keeps home feeds in Redis.)

    "The viewer or an account it follows" is one IN over a UNION ALL where the index is wanted:
    written as an OR, PostgreSQL scans the whole (owner, key) index instead (bench/README.md,
    "Home timeline at scale", has the plans and the figures)."""
    theirs = followed(account_id)
    home_accounts = owner.in_(theirs.union_all(select(literal(account_id, BigInteger))))
    probe = select(key).where(home_accounts, *where, *window.bounds(key)).limit(PROBE)
    counted = await session.scalar(select(func.count()).select_from(probe.subquery()))
    if (counted or 0) >= PROBE:
        mine = or_(owner + 0 == account_id, (owner + 0).in_(theirs))
    else:
        mine = home_accounts
    # The page's keys first, so that only keys are sorted, then its rows.
    page = window.apply(stmt.with_only_columns(key).where(mine), key)
    return await session.execute(window.apply(stmt.where(key.in_(page)), key))


async def local(
    session: AsyncSession,
    viewer_id: int | None,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Entry]:
    """Public posts made here; no boosts (Mastodon's local timeline)."""
    return await _public(session, viewer_id, Window(limit, max_id, since_id, min_id), True)


async def federated(
    session: AsyncSession,
    viewer_id: int | None,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Entry]:
    """Every public post stored here, ours and others'; no boosts (the federated timeline)."""
    return await _public(session, viewer_id, Window(limit, max_id, since_id, min_id), False)


async def _public(
    session: AsyncSession, viewer_id: int | None, window: Window, local_only: bool
) -> list[Entry]:
    stmt = (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(Post.visibility == "public", Post.deleted_at.is_(None), shown(Account, viewer_id))
    )
    if local_only:
        stmt = stmt.where(Post.local)
    rows = await session.execute(window.apply(stmt, Post.id))
    return window.cut([Entry(post.id, post, author) for post, author in rows])
