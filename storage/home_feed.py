"""Writing the precomputed home feeds of local accounts (fan-out on write, as Mastodon's).

A post stored here goes into the feed of its author (when local) and of its author's local
accepted followers; a boost into the booster's and the booster's followers'. A follow, once
accepted, brings the followed account's newest posts and boosts into the follower's feed
(BACKFILL of each); an unfollow or block takes them out. Each feed keeps its newest CAP
entries; `HomeFeed.complete_from` says from which id down it is no longer complete, and the
reader (storage.home_reads) reads older pages from the posts themselves.

Posts, follows and ORM reactions are caught when a session flushes them (`_after_flush`), so
no path that stores one can forget its feeds; reactions stored with a core INSERT
(storage.reactions.add) call `fan_out_boosts`. The feed is a cache of candidates: every read
checks its rows again (deleted, visibility, blocks, still followed), so a stale row is never
shown, only a missing one would be missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, event, inspect, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from .feed_models import HomeFeed, HomeFeedEntry
from .models import Account, Follow, Post, Reaction

ANNOUNCE = "announce"  # storage.reactions.ANNOUNCE (not imported: reactions calls this module)
# Entries a feed keeps (Mastodon keeps 800 in Redis); older pages come from the posts.
CAP = 800
# Posts and boosts of a newly followed account brought into the follower's feed, each.
BACKFILL = 400
# A fan-out trims a reader's feed once in about this many entries (by the entry id's low
# bits, which are random): a feed grows a few dozen entries past CAP between trims.
TRIM_EVERY = 32

Rows = list[dict[str, Any]]


def _insert(conn: Connection) -> Any:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    return insert(HomeFeedEntry).on_conflict_do_nothing(
        index_elements=[HomeFeedEntry.account_id, HomeFeedEntry.entry_id]
    )


def _local_followers(conn: Connection, account_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each account's local readers: itself when local, and its local accepted followers."""
    ids = set(account_ids)
    found: dict[int, list[int]] = {account_id: [] for account_id in ids}
    if not ids:
        return found
    follower = aliased(Account)
    stmt = (
        select(Follow.target_id, Follow.follower_id)
        .join(follower, follower.id == Follow.follower_id)
        .where(Follow.target_id.in_(ids), Follow.state == "accepted", follower.domain.is_(None))
    )
    for target_id, follower_id in conn.execute(stmt):
        found[target_id].append(follower_id)
    local = select(Account.id).where(Account.id.in_(ids), Account.domain.is_(None))
    for account_id in conn.execute(local).scalars():
        found[account_id].append(account_id)
    return found


def _store(conn: Connection, rows: Rows) -> None:
    if not rows:
        return
    conn.execute(_insert(conn), rows)
    # Each reader's turn comes by its own id too, so that one post to many readers does not
    # trim all their feeds at once.
    trim(
        conn, {r["account_id"] for r in rows if (r["entry_id"] + r["account_id"]) % TRIM_EVERY == 0}
    )


def fan_out_posts(conn: Connection, posts: Sequence[tuple[int, int]]) -> None:
    """Put new posts, (post id, author id), into their readers' feeds."""
    readers = _local_followers(conn, {author_id for _, author_id in posts})
    rows = [
        {"account_id": r, "entry_id": p, "post_id": p, "author_id": a, "booster_id": None}
        for p, a in posts
        for r in readers[a]
    ]
    _store(conn, rows)


def fan_out_boosts(conn: Connection, reaction_ids: Sequence[int]) -> None:
    """Put new boosts (Reaction ids; likes among them are left out) into their readers' feeds."""
    if not reaction_ids:
        return
    stmt = (
        select(Reaction.id, Reaction.post_id, Post.account_id, Reaction.account_id)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.id.in_(reaction_ids), Reaction.kind == ANNOUNCE)
    )
    boosts = conn.execute(stmt).all()
    readers = _local_followers(conn, {booster for *_, booster in boosts})
    rows = [
        {"account_id": r, "entry_id": e, "post_id": p, "author_id": a, "booster_id": b}
        for e, p, a, b in boosts
        for r in readers[b]
    ]
    _store(conn, rows)


def _entries_of(conn: Connection, account_id: int, limit: int) -> tuple[Rows, int]:
    """An account's newest posts and boosts, at most `limit` of each, as feed rows (reader
    unset), and the id from which they are all its entries (0: all it has)."""
    posts = conn.execute(
        select(Post.id)
        .where(Post.account_id == account_id, Post.deleted_at.is_(None))
        .order_by(Post.id.desc())
        .limit(limit)
    ).scalars()
    rows: Rows = [
        {"entry_id": p, "post_id": p, "author_id": account_id, "booster_id": None} for p in posts
    ]
    complete_from = rows[-1]["entry_id"] if len(rows) == limit else 0
    boosts = conn.execute(
        select(Reaction.id, Reaction.post_id, Post.account_id)
        .join(Post, Post.id == Reaction.post_id)
        .where(Reaction.account_id == account_id, Reaction.kind == ANNOUNCE)
        .order_by(Reaction.id.desc())
        .limit(limit)
    ).all()
    shared = [
        {"entry_id": e, "post_id": p, "author_id": a, "booster_id": account_id}
        for e, p, a in boosts
    ]
    if len(shared) == limit:
        complete_from = max(complete_from, shared[-1]["entry_id"])
    return rows + shared, complete_from


def backfill(conn: Connection, reader_id: int, account_id: int, limit: int | None = None) -> None:
    """Bring an account's newest posts and boosts (BACKFILL of each, or `limit`) into a local
    reader's feed (a follow was accepted); the feed is complete only from where they stop,
    when they stop short."""
    rows, complete_from = _entries_of(conn, account_id, limit or BACKFILL)
    if rows:
        conn.execute(_insert(conn), [{"account_id": reader_id, **row} for row in rows])
    if complete_from:
        _complete_from(conn, reader_id, complete_from)
    trim(conn, [reader_id])


def rebuild(conn: Connection, reader_id: int) -> None:
    """Build a local account's feed afresh: the newest CAP of its own and its followed
    accounts' entries (an upgrade does the same; a benchmark's bulk-filled database)."""
    conn.execute(delete(HomeFeedEntry).where(HomeFeedEntry.account_id == reader_id))
    conn.execute(delete(HomeFeed).where(HomeFeed.account_id == reader_id))
    followed = select(Follow.target_id).where(
        Follow.follower_id == reader_id, Follow.state == "accepted"
    )
    rows: Rows = []
    floor = 0
    for account_id in [reader_id, *conn.execute(followed).scalars()]:
        found, complete_from = _entries_of(conn, account_id, CAP)
        rows += found
        floor = max(floor, complete_from)
    rows = list({row["entry_id"]: row for row in rows}.values())
    rows.sort(key=lambda row: row["entry_id"], reverse=True)
    if len(rows) > CAP:
        rows = rows[:CAP]
        floor = max(floor, rows[-1]["entry_id"])
    if rows:
        conn.execute(_insert(conn), [{"account_id": reader_id, **row} for row in rows])
    if floor:
        _complete_from(conn, reader_id, floor)


def _floor(conn: Connection, reader_id: int) -> int:
    stmt = select(HomeFeed.complete_from).where(HomeFeed.account_id == reader_id)
    return conn.execute(stmt).scalar() or 0


def _complete_from(conn: Connection, reader_id: int, entry_id: int) -> None:
    """The reader's feed is complete from `entry_id` on, and no further down than before."""
    floor = _floor(conn, reader_id)
    if entry_id <= floor:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(HomeFeed).values(account_id=reader_id, complete_from=entry_id)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[HomeFeed.account_id], set_={"complete_from": entry_id}
        )
    )


def trim(conn: Connection, reader_ids: Iterable[int]) -> None:
    """Keep the newest CAP entries of each reader's feed; it is complete from the oldest kept."""
    for reader_id in reader_ids:
        oldest_kept = conn.execute(
            select(HomeFeedEntry.entry_id)
            .where(HomeFeedEntry.account_id == reader_id)
            .order_by(HomeFeedEntry.entry_id.desc())
            .offset(CAP - 1)
            .limit(1)
        ).scalar()
        if oldest_kept is None:
            continue
        gone = conn.execute(
            delete(HomeFeedEntry).where(
                HomeFeedEntry.account_id == reader_id, HomeFeedEntry.entry_id < oldest_kept
            )
        )
        if getattr(gone, "rowcount", 0):
            _complete_from(conn, reader_id, oldest_kept)


def forget(conn: Connection, reader_ids: Iterable[int], account_id: int) -> None:
    """Take an account's posts and boosts out of these readers' feeds (unfollowed)."""
    ids = list(reader_ids)
    if ids:
        conn.execute(
            delete(HomeFeedEntry).where(
                HomeFeedEntry.account_id.in_(ids),
                or_(
                    (HomeFeedEntry.author_id == account_id) & HomeFeedEntry.booster_id.is_(None),
                    HomeFeedEntry.booster_id == account_id,
                ),
            )
        )


def forget_follows(conn: Connection, ended: Iterable[tuple[int, int]]) -> None:
    """Take out what ended follows, (follower id, followed id), brought into feeds."""
    for follower_id, target_id in ended:
        forget(conn, [follower_id], target_id)


def forget_blocked(conn: Connection, reader_id: int, account_id: int) -> None:
    """Take out of a reader's feed everything by a blocked account, and its boosts."""
    conn.execute(
        delete(HomeFeedEntry).where(
            HomeFeedEntry.account_id == reader_id,
            or_(HomeFeedEntry.author_id == account_id, HomeFeedEntry.booster_id == account_id),
        )
    )


def forget_domain(conn: Connection, domain: str) -> None:
    """Take a blocked server's accounts' posts and boosts out of every feed."""
    theirs = select(Account.id).where(Account.domain == domain)
    conn.execute(
        delete(HomeFeedEntry).where(
            or_(HomeFeedEntry.author_id.in_(theirs), HomeFeedEntry.booster_id.in_(theirs))
        )
    )


def _accepted(session: Session) -> list[Follow]:
    """Follows this flush stored as accepted, or turned accepted."""
    new = [o for o in session.new if isinstance(o, Follow) and o.state == "accepted"]
    return new + [
        o
        for o in session.dirty
        if isinstance(o, Follow) and o.state == "accepted" and inspect(o).attrs.state.history.added
    ]


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    """Fan out what this flush stored: new posts and boosts, accepted and ended follows."""
    posts = [
        (o.id, o.account_id) for o in session.new if isinstance(o, Post) and o.deleted_at is None
    ]
    boosts = [o.id for o in session.new if isinstance(o, Reaction) and o.kind == ANNOUNCE]
    accepted = _accepted(session)
    ended = [o for o in session.deleted if isinstance(o, Follow)]
    if not (posts or boosts or accepted or ended):
        return
    conn = session.connection()
    fan_out_posts(conn, posts)
    fan_out_boosts(conn, boosts)
    for follow in accepted:
        follower = conn.execute(
            select(Account.domain).where(Account.id == follow.follower_id)
        ).first()
        if follower is not None and follower.domain is None:
            backfill(conn, follow.follower_id, follow.target_id)
    forget_follows(conn, [(follow.follower_id, follow.target_id) for follow in ended])
