"""Filling a database for bench_timeline.py: accounts, posts, follows, reactions and blocks.

Rows are made in Python from a seeded generator and written in chunks of 20,000: COPY on
PostgreSQL (asyncpg), executemany Core inserts on SQLite.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.ids import new_id
from storage.migrate import upgrade
from storage.models import Account, Block, Follow, Post, Reaction

DAY_MS = 86_400_000
CHUNK = 20_000


@dataclass(frozen=True)
class Shape:
    """How much to fill, and how it is spread."""

    accounts: int = 10_000
    posts: int = 1_000_000
    local_accounts: int = 20
    follows: tuple[int, ...] = (50, 300, 2_000)  # one viewer (a local account) per size
    quiet: int = 10  # and one who follows this many of the least active accounts (0: none)
    boosts: int = 100_000
    likes: int = 100_000
    days: int = 180
    deleted: float = 0.01  # share of posts deleted
    skew: float = 0.9  # account of activity rank r posts in proportion to r ** -skew
    seed: int = 4


@dataclass
class Filled:
    """What the measurement needs to know about the filled database."""

    viewers: dict[str, int] = field(default_factory=dict)  # "follows 50" -> account id
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _checkpoint(path: str) -> None:
    """Move SQLite's write-ahead log into the database, as a running server's would be."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _unique_id(at_ms: int, taken: set[int]) -> int:
    """new_id at a given time, drawn again on the rare clash of its 16 random low bits."""
    while (candidate := new_id(at_ms=at_ms)) in taken:
        pass
    taken.add(candidate)
    return candidate


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


async def _insert(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows in large chunks: COPY on PostgreSQL, executemany Core inserts on SQLite."""
    total, it = 0, iter(rows)
    while chunk := list(islice(it, CHUNK)):
        total += len(chunk)
        if conn.dialect.name == "postgresql":
            raw: Any = (await conn.get_raw_connection()).driver_connection
            columns = list(chunk[0])
            records = [tuple(row[c] for c in columns) for row in chunk]
            await raw.copy_records_to_table(table.name, records=records, columns=columns)
        else:
            await conn.execute(insert(table), chunk)
    return total


def _accounts(shape: Shape, now_ms: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(shape.accounts):
        local = i < shape.local_accounts
        domain = None if local else f"peer{i % 500}.example"
        uri = f"https://{domain or 'impasto.example'}/users/u{i}"
        created_ms = now_ms - rng.randrange(200 * DAY_MS, 400 * DAY_MS)
        created = _at(created_ms)
        yield {
            "id": new_id(at_ms=created_ms),
            "uri": uri,
            "username": f"u{i}",
            "domain": domain,
            "actor_type": "Person",
            "display_name": f"User {i}",
            "summary": "",
            "inbox_url": f"{uri}/inbox",
            "shared_inbox_url": None if local else f"https://{domain}/inbox",
            "public_key_id": f"{uri}#main-key",
            "public_key_pem": "-",
            "manually_approves_followers": False,
            "discoverable": True,
            "created_at": created,
            "updated_at": created,
        }


def _activity(shape: Shape, rng: random.Random) -> list[float]:
    """Cumulative weights of how much each account posts and boosts (and is followed)."""
    ranks = list(range(1, shape.accounts + 1))
    rng.shuffle(ranks)  # the most active accounts are anywhere, local or remote
    return list(accumulate(r**-shape.skew for r in ranks))


def _pick(count: int, activity: list[float], rng: random.Random) -> set[int]:
    """`count` distinct accounts: half drawn by activity (popular accounts are followed
    more), the rest uniformly (the long tail)."""
    total = len(activity)
    picked = set(rng.sample(range(total), min(count // 2, total)))
    while len(picked) < min(count, total):
        picked.add(rng.choices(range(total), cum_weights=activity)[0])
    return picked


def _posts(
    shape: Shape,
    ids: list[int],
    domains: list[str | None],
    activity: list[float],
    now_ms: int,
    rng: random.Random,
) -> tuple[list[tuple[int, int]], Iterator[dict[str, Any]]]:
    """(post id, author index) of every post, oldest first, and the rows to insert."""
    authors = rng.choices(range(len(ids)), cum_weights=activity, k=shape.posts)
    start = now_ms - shape.days * DAY_MS
    times = sorted(rng.randrange(start, now_ms) for _ in range(shape.posts))
    taken: set[int] = set()
    posts = [(_unique_id(at, taken), author) for at, author in zip(times, authors, strict=True)]

    def rows() -> Iterator[dict[str, Any]]:
        for post_id, author in posts:
            domain = domains[author] or "impasto.example"
            published = _at(post_id >> 16)
            gone = rng.random() < shape.deleted
            yield {
                "id": post_id,
                "uri": f"https://{domain}/users/u{author}/statuses/{post_id}",
                "url": f"https://{domain}/@u{author}/{post_id}",
                "account_id": ids[author],
                "local": domains[author] is None,
                "visibility": "public" if rng.random() < 0.9 else "unlisted",
                "content_html": f"<p>picture {post_id % 9973} of a harbour at dusk</p>",
                "caption": "a harbour at dusk, lanterns",
                "spoiler_text": "",
                "sensitive": False,
                "published_at": published,
                "deleted_at": published + timedelta(hours=1) if gone else None,
            }

    return posts, rows()


def _follows(
    shape: Shape,
    ids: list[int],
    activity: list[float],
    posts: list[tuple[int, int]],
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """Viewers follow their share; the quiet viewer follows the accounts that posted least;
    other locals follow 100; remote accounts follow locals. A few follows are still pending."""
    locals_, remote = range(shape.local_accounts), range(shape.local_accounts, len(ids))
    pairs: set[tuple[int, int]] = set()
    for viewer, size in enumerate(shape.follows):
        pairs.update((viewer, target) for target in _pick(size, activity, rng))
    others = len(shape.follows)
    if shape.quiet:
        counts = Counter(author for _, author in posts)
        least = sorted(remote, key=lambda account: (counts[account] == 0, counts[account]))
        pairs.update((others, target) for target in least[: shape.quiet])
        others += 1
    for follower in locals_[others:]:
        pairs.update((follower, target) for target in _pick(100, activity, rng))
    for target in locals_:
        pairs.update((f, target) for f in rng.sample(remote, min(500, len(remote))))
    for follower, target in sorted(pairs):
        if follower != target:
            yield {
                "id": new_id(),
                "uri": f"https://x.example/follows/{follower}/{target}",
                "follower_id": ids[follower],
                "target_id": ids[target],
                "state": "pending" if rng.random() < 0.03 else "accepted",
                "created_at": datetime.now(UTC),
            }


def _reactions(
    shape: Shape,
    ids: list[int],
    posts: list[tuple[int, int]],
    activity: list[float],
    now_ms: int,
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """Boosts (Announce) and likes of random posts by accounts as active as they post, each
    within two days of the post."""
    seen: set[tuple[str, int, int]] = set()
    taken: set[int] = set()
    for kind, count in (("announce", shape.boosts), ("like", shape.likes)):
        for _ in range(count):
            post_id, _author = posts[rng.randrange(len(posts))]
            account = rng.choices(range(len(ids)), cum_weights=activity)[0]
            if (kind, account, post_id) in seen:
                continue
            seen.add((kind, account, post_id))
            at = min(now_ms - rng.randrange(60_000), (post_id >> 16) + rng.randrange(2 * DAY_MS))
            yield {
                "id": _unique_id(at, taken),
                "kind": kind,
                "uri": f"https://x.example/{kind}/{account}/{post_id}",
                "account_id": ids[account],
                "post_id": post_id,
                "created_at": _at(at),
            }


def _blocks(shape: Shape, ids: list[int], rng: random.Random) -> Iterator[dict[str, Any]]:
    """Each local account blocks 10 accounts; a thousand remote ones block someone."""
    pairs = {(a, rng.randrange(len(ids))) for a in range(shape.local_accounts) for _ in range(10)}
    pairs |= {(rng.randrange(len(ids)), rng.randrange(len(ids))) for _ in range(1000)}
    for account, target in sorted(pairs):
        if account != target:
            yield {
                "id": new_id(),
                "uri": f"https://x.example/blocks/{account}/{target}",
                "account_id": ids[account],
                "target_id": ids[target],
                "created_at": datetime.now(UTC),
            }


async def fill(engine: AsyncEngine, shape: Shape) -> Filled:
    """Migrate and fill a fresh database, then vacuum/analyze and checkpoint it as a running
    server's would be."""
    rng = random.Random(shape.seed)
    now_ms = int(time.time() * 1000)
    start = time.perf_counter()
    await upgrade(engine)
    filled = Filled()
    async with engine.begin() as conn:
        accounts = list(_accounts(shape, now_ms, rng))
        filled.counts["accounts"] = await _insert(conn, Account.__table__, accounts)
        ids = [row["id"] for row in accounts]
        domains = [row["domain"] for row in accounts]
        activity = _activity(shape, rng)
        posts, rows = _posts(shape, ids, domains, activity, now_ms, rng)
        filled.counts["posts"] = await _insert(conn, Post.__table__, rows)
        follows = _follows(shape, ids, activity, posts, rng)
        filled.counts["follows"] = await _insert(conn, Follow.__table__, follows)
        reactions = _reactions(shape, ids, posts, activity, now_ms, rng)
        filled.counts["reactions"] = await _insert(conn, Reaction.__table__, reactions)
        filled.counts["blocks"] = await _insert(conn, Block.__table__, _blocks(shape, ids, rng))
    async with engine.connect() as conn:
        admin = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if conn.dialect.name == "postgresql":
            await admin.execute(text("VACUUM ANALYZE"))  # as autovacuum would have by now
        else:
            await admin.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite" and engine.url.database:
        await asyncio.to_thread(_checkpoint, engine.url.database)
    filled.seconds = time.perf_counter() - start
    filled.viewers = {label: ids[i] for i, label in enumerate(_viewers(shape))}
    return filled


def _viewers(shape: Shape) -> list[str]:
    """The viewers' labels; the viewers are the local accounts u0, u1, … in this order."""
    labels = [f"follows {size:,}" for size in shape.follows]
    return labels + ([f"{shape.quiet} quiet"] if shape.quiet else [])


async def viewers_of(engine: AsyncEngine, shape: Shape) -> dict[str, int]:
    """The viewer accounts of an already filled database."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Account.username, Account.id).where(Account.domain.is_(None))
        )
        by_name = {name: account_id for name, account_id in rows}
    return {label: by_name[f"u{i}"] for i, label in enumerate(_viewers(shape))}
