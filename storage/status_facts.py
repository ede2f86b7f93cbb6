"""What a page of statuses shows beyond the post rows, read for the whole page in one statement
(small keyed selects joined by UNION ALL): likes and boosts counted, replies counted, the posts
answered, hashtags, pictures, whom each post mentions, the boosts' activity ids, the viewer's
reactions and bookmarks, and the counts of the authors and boosters.

Plain rows throughout (no ORM objects) and one round trip: a home page reads these for twenty
posts on every request, and each statement costs a round trip and its share of Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Float,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .account_counts import AccountCounts, counted
from .models import Account, Bookmark, MediaAttachment, Mention, Post, PostTag, Reaction
from .one_of import OneOf
from .reactions import ANNOUNCE, LIKE
from .stats_models import AccountStats
from .timelines import OPEN
from .timeutil import UTCDateTime


@dataclass(frozen=True)
class Mentioned:
    """An account a post mentions, as a Status's `mentions` shows it."""

    id: int
    username: str
    domain: str | None
    url: str | None
    uri: str


@dataclass(frozen=True)
class Picture:
    """A post's picture as a Status's `media_attachments` and the pages show it: the fields of
    storage.models.MediaAttachment that they read."""

    id: int
    media_type: str
    file_name: str | None
    remote_url: str | None
    width: int | None
    height: int | None
    blurhash: str | None
    description: str
    focus_x: float | None
    focus_y: float | None


@dataclass(frozen=True)
class PageFacts:
    """The keyed facts of a page's posts (see `page_facts`)."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # likes, boosts by post
    replies: dict[str, int] = field(default_factory=dict)  # by the answered post's uri
    parents: dict[str, tuple[int, int]] = field(default_factory=dict)  # uri: (id, author id)
    hashtags: dict[int, list[str]] = field(default_factory=dict)
    media: dict[int, list[Picture]] = field(default_factory=dict)  # by post, in order
    mentions: dict[int, list[Mentioned]] = field(default_factory=dict)  # by post, in order
    boost_uris: dict[int, str] = field(default_factory=dict)  # Announce id by boost id
    mine: dict[int, set[str]] = field(default_factory=dict)  # the viewer's reactions
    bookmarked: set[int] = field(default_factory=set)  # posts the viewer bookmarked
    people: dict[int, AccountCounts] = field(default_factory=dict)  # by account id


# The union's columns after the fact's name: so many numbers, decimals and texts, and a time.
_INTS, _FLOATS, _TEXTS = 5, 2, 5


def _padded(values: Sequence[Any], width: int, kind: Any) -> list[Any]:
    return [cast(value, kind) for value in values] + [cast(null(), kind)] * (width - len(values))


def _row(
    what: str,
    ints: Sequence[Any] = (),
    floats: Sequence[Any] = (),
    texts: Sequence[Any] = (),
    at: Any = None,
) -> list[Any]:
    """One select's columns in the union's shape, typed NULLs where this fact has nothing
    (PostgreSQL unites only columns of one type)."""
    return [
        literal(what, String),
        *_padded(ints, _INTS, BigInteger),
        *_padded(floats, _FLOATS, Float),
        *_padded(texts, _TEXTS, String),
        type_coerce(at, UTCDateTime()) if at is not None else cast(null(), UTCDateTime()),
    ]


@cache
def _facts() -> CompoundSelect[*tuple[Any, ...]]:
    """One keyed select per kind of fact, joined by UNION ALL; built once, the page's ids,
    uris and viewer as parameters (no viewer: NULL, which matches nothing)."""
    viewer = bindparam("viewer", type_=BigInteger)
    media = MediaAttachment
    return union_all(
        select(*_row("count", (Reaction.post_id, func.count()), texts=(Reaction.kind,)))
        .where(OneOf(Reaction.post_id, "post_ids"))
        .group_by(Reaction.post_id, Reaction.kind),
        select(*_row("tag", (PostTag.post_id, PostTag.id), texts=(PostTag.name,))).where(
            OneOf(PostTag.post_id, "post_ids")
        ),
        # Mastodon counts only public and unlisted replies; deleted ones are not counted
        select(*_row("replies", (func.count(),), texts=(Post.in_reply_to_uri,)))
        .where(
            OneOf(Post.in_reply_to_uri, "uris"),
            Post.visibility.in_(OPEN),
            Post.deleted_at.is_(None),
        )
        .group_by(Post.in_reply_to_uri),
        select(*_row("parent", (Post.id, Post.account_id), texts=(Post.uri,))).where(
            OneOf(Post.uri, "answered")
        ),
        select(
            *_row(
                "media",
                (media.post_id, media.position, media.id, media.width, media.height),
                (media.focus_x, media.focus_y),
                (
                    media.media_type,
                    media.file_name,
                    media.remote_url,
                    media.blurhash,
                    media.description,
                ),
            )
        ).where(OneOf(media.post_id, "post_ids")),
        select(
            *_row(
                "mention",
                (Mention.post_id, Mention.id, Account.id),
                texts=(Account.username, Account.domain, Account.url, Account.uri),
            )
        )
        .join(Account, Account.id == Mention.account_id)
        .where(OneOf(Mention.post_id, "post_ids")),
        select(*_row("boost", (Reaction.id,), texts=(Reaction.uri,))).where(
            OneOf(Reaction.id, "boost_ids")
        ),
        select(*_row("mine", (Reaction.post_id,), texts=(Reaction.kind,))).where(
            Reaction.account_id == viewer, OneOf(Reaction.post_id, "post_ids")
        ),
        select(*_row("bookmark", (Bookmark.post_id,))).where(
            Bookmark.account_id == viewer, OneOf(Bookmark.post_id, "post_ids")
        ),
        select(
            *_row(
                "people",
                (
                    AccountStats.account_id,
                    AccountStats.followers_count,
                    AccountStats.following_count,
                    AccountStats.statuses_count,
                ),
                at=AccountStats.last_status_at,
            )
        ).where(OneOf(AccountStats.account_id, "account_ids")),
    )


async def page_facts(
    session: AsyncSession,
    viewer_id: int | None,
    post_ids: Sequence[int],
    uris: Sequence[str],
    answered: Sequence[str],
    boost_ids: Sequence[int],
    account_ids: Sequence[int],
) -> PageFacts:
    """The facts of these posts (with these uris, answering `answered`), boosts and accounts,
    as `viewer_id` sees them (None: nobody signed in), in one statement (an account without
    stored counts is counted in a few more)."""
    facts = PageFacts(counts={post_id: {LIKE: 0, ANNOUNCE: 0} for post_id in post_ids})
    if not post_ids:
        return facts
    params = {
        "viewer": viewer_id,
        "post_ids": list(set(post_ids)),
        "uris": list(set(uris)),
        "answered": list(set(answered)),
        "boost_ids": list(set(boost_ids)),
        "account_ids": list(set(account_ids)),
    }
    tags: list[tuple[int, int, str]] = []  # (post, tag id, name): in the order stored
    pictures: list[tuple[int, int, int, Picture]] = []  # (post, position, id, picture)
    mentioned: list[tuple[int, int, Mentioned]] = []  # (post, mention id, account)
    for what, a, b, c, d, e, x, y, s, t, u, v, w, at in await session.execute(_facts(), params):
        if what == "count":
            facts.counts[a][s] = int(b)
        elif what == "tag":
            tags.append((a, b, s))
        elif what == "replies":
            facts.replies[s] = int(a)
        elif what == "parent":
            facts.parents[s] = (a, b)
        elif what == "media":
            pictures.append((a, b, c, Picture(c, s, t, u, d, e, v, w or "", x, y)))
        elif what == "mention":
            mentioned.append((a, b, Mentioned(c, s, t, u, v)))
        elif what == "boost":
            facts.boost_uris[a] = s
        elif what == "mine":
            facts.mine.setdefault(a, set()).add(s)
        elif what == "bookmark":
            facts.bookmarked.add(a)
        else:
            facts.people[a] = AccountCounts(int(b), int(c), int(d), at, 0)
    for post_id, _, name in sorted(tags):
        facts.hashtags.setdefault(post_id, []).append(name)
    for post_id, _, _, picture in sorted(pictures, key=lambda row: row[:3]):
        facts.media.setdefault(post_id, []).append(picture)
    for post_id, _, account in sorted(mentioned, key=lambda row: row[:2]):
        facts.mentions.setdefault(post_id, []).append(account)
    missing = [key for key in set(account_ids) if key not in facts.people]
    if missing:
        facts.people.update(await counted(session, missing))
    return facts
