"""What a page of statuses shows beyond the post rows, read for the whole page at once: replies
counted, likes and boosts counted, the posts answered, hashtags, the boosts' activity ids and
the viewer's reactions and bookmarks (one statement: small keyed selects joined by UNION ALL),
and whom each post mentions (one more).

Plain rows throughout (no ORM objects): a home page reads these for twenty posts on every
request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Bookmark, Mention, Post, PostTag, Reaction
from .reactions import ANNOUNCE, LIKE
from .timelines import OPEN


@dataclass(frozen=True)
class PageFacts:
    """The keyed facts of a page's posts (see `page_facts`)."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # likes, boosts by post
    replies: dict[str, int] = field(default_factory=dict)  # by the answered post's uri
    parents: dict[str, tuple[int, int]] = field(default_factory=dict)  # uri: (id, author id)
    hashtags: dict[int, list[str]] = field(default_factory=dict)
    boost_uris: dict[int, str] = field(default_factory=dict)  # Announce id by boost id
    mine: dict[int, set[str]] = field(default_factory=dict)  # the viewer's reactions
    bookmarked: set[int] = field(default_factory=set)  # posts the viewer bookmarked


@dataclass(frozen=True)
class Mentioned:
    """An account a post mentions, as a Status's `mentions` shows it."""

    id: int
    username: str
    domain: str | None
    url: str | None
    uri: str


def _row(what: str, a: Any, b: Any, s: Any) -> Any:
    """The union's columns: which fact, two numbers and a text."""
    none_int = cast(null(), BigInteger)
    return (
        literal(what, String),
        cast(a, BigInteger) if a is not None else none_int,
        cast(b, BigInteger) if b is not None else none_int,
        cast(s, String) if s is not None else cast(null(), String),
    )


def _in(name: str) -> Any:
    return bindparam(name, expanding=True)


@cache
def _facts() -> CompoundSelect[*tuple[Any, ...]]:
    """One keyed select per kind of fact, joined by UNION ALL; built once, the page's ids,
    uris and viewer as parameters (no viewer: NULL, which matches nothing)."""
    viewer = bindparam("viewer", type_=BigInteger)
    return union_all(
        select(*_row("count", Reaction.post_id, func.count(), Reaction.kind))
        .where(Reaction.post_id.in_(_in("post_ids")))
        .group_by(Reaction.post_id, Reaction.kind),
        select(*_row("tag", PostTag.post_id, PostTag.id, PostTag.name)).where(
            PostTag.post_id.in_(_in("post_ids"))
        ),
        # Mastodon counts only public and unlisted replies; deleted ones are not counted
        select(*_row("replies", None, func.count(), Post.in_reply_to_uri))
        .where(
            Post.in_reply_to_uri.in_(_in("uris")),
            Post.visibility.in_(OPEN),
            Post.deleted_at.is_(None),
        )
        .group_by(Post.in_reply_to_uri),
        select(*_row("parent", Post.id, Post.account_id, Post.uri)).where(
            Post.uri.in_(_in("answered"))
        ),
        select(*_row("boost", Reaction.id, None, Reaction.uri)).where(
            Reaction.id.in_(_in("boost_ids"))
        ),
        select(*_row("mine", Reaction.post_id, None, Reaction.kind)).where(
            Reaction.account_id == viewer, Reaction.post_id.in_(_in("post_ids"))
        ),
        select(*_row("bookmark", Bookmark.post_id, None, None)).where(
            Bookmark.account_id == viewer, Bookmark.post_id.in_(_in("post_ids"))
        ),
    )


async def page_facts(
    session: AsyncSession,
    viewer_id: int | None,
    post_ids: Sequence[int],
    uris: Sequence[str],
    answered: Sequence[str],
    boost_ids: Sequence[int],
) -> PageFacts:
    """The facts of these posts (with these uris, answering `answered`) and boosts, as
    `viewer_id` sees them (None: nobody signed in), in one statement."""
    facts = PageFacts(counts={post_id: {LIKE: 0, ANNOUNCE: 0} for post_id in post_ids})
    if not post_ids:
        return facts
    params = {
        "viewer": viewer_id,
        "post_ids": list(set(post_ids)),
        "uris": list(set(uris)),
        "answered": list(set(answered)),
        "boost_ids": list(set(boost_ids)),
    }
    tags: list[tuple[int, int, str]] = []
    for what, a, b, s in await session.execute(_facts(), params):
        if what == "count":
            facts.counts[a][s] = int(b)
        elif what == "tag":
            tags.append((b, a, s))
        elif what == "replies":
            facts.replies[s] = int(b)
        elif what == "parent":
            facts.parents[s] = (a, b)
        elif what == "boost":
            facts.boost_uris[a] = s
        elif what == "mine":
            facts.mine.setdefault(a, set()).add(s)
        else:
            facts.bookmarked.add(a)
    for _, post_id, name in sorted(tags):  # in the order they were stored
        facts.hashtags.setdefault(post_id, []).append(name)
    return facts


@cache
def _mentions() -> Select[int, int, str, str | None, str | None, str]:
    return (
        select(
            Mention.post_id,
            Account.id,
            Account.username,
            Account.domain,
            Account.url,
            Account.uri,
        )
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.post_id.in_(_in("post_ids")))
        .order_by(Mention.id)
    )


async def mentions_of(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, list[Mentioned]]:
    """The accounts each post mentions, in the order they were stored."""
    found: dict[int, list[Mentioned]] = {}
    if not post_ids:
        return found
    for post_id, account_id, username, domain, url, uri in await session.execute(
        _mentions(), {"post_ids": list(set(post_ids))}
    ):
        found.setdefault(post_id, []).append(Mentioned(account_id, username, domain, url, uri))
    return found
