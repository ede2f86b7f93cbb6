"""Timelines at scale: p50/p99 of a home-timeline page over 1,000,000 posts from 10,000 accounts.

Fills a fresh database (a SQLite file in a temporary directory, and a new PostgreSQL database on
127.0.0.1:5432, dropped afterwards) with accounts (a few local, the rest remote, on 500 servers),
posts whose ids carry their publishing time over the last 180 days (a few very active accounts
and a long tail), follows, boosts and likes, some deleted posts and blocks (bench/timeline_fill.py).
It then times `storage.timelines.home` for viewers following 50, 300 and 2,000 accounts and one
following only the 10 least active accounts (a sparse home: the case that punishes walking all
posts by id), the first page and the pages 10 and 100 down (max_id from paging), and the local
and federated timelines when storage has them. One timed call is what a request does: open a
read session, read a page of 20. Each case is warmed up first (warm cache), then called `--reps`
times, or for `--budget` seconds when that comes first (at least 20 calls).

    .venv/bin/python bench/bench_timeline.py [--posts 1000000] [--accounts 10000] [--reps 500]
        [--backends sqlite,postgresql] [--explain] [--keep] [--url URL] [--sql STATEMENT]

`--explain` prints every statement of each case with its plan (EXPLAIN QUERY PLAN; EXPLAIN
ANALYZE on PostgreSQL) and its time alone; `--keep` keeps the databases and prints their URLs;
`--url` times such a database again without filling it, after running any `--sql` statements
(an index to try, say).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timeline_fill import Filled, Shape, fill, viewers_of  # noqa: E402
from storage import home_feed, home_reads, timelines  # noqa: E402
from storage.db import create_engine, create_read_engine, session_factory  # noqa: E402
from storage.feed_models import HomeFeedEntry  # noqa: E402
from storage.models import Account, Post  # noqa: E402

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass
class Result:
    """Timings of one case."""

    timeline: str
    viewer: str
    page: int
    rows: int
    times: list[float]

    @property
    def p50(self) -> float:
        """Median milliseconds."""
        return statistics.median(self.times) * 1000

    @property
    def p99(self) -> float:
        """99th percentile in milliseconds."""
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000


# ---- measuring -----------------------------------------------------------------------------


# (session, max_id, limit) -> entries, newest first
Page = Callable[[AsyncSession, int | None, int], Awaitable[Sequence[Any]]]
PAGE = 20


def _cursor(row: Any) -> int:
    """The max_id that continues after `row`: a timeline row is opaque here, so take the id of
    the entry, or of its first element (a (Post, Account) pair)."""
    for candidate in (row, getattr(row, "entry", None), row[0] if isinstance(row, tuple) else None):
        value = getattr(candidate, "id", None)
        if isinstance(value, int):
            return value
    raise TypeError(f"cannot page after a {type(row).__name__}")


def _public_pages(viewer: int) -> dict[str, Page]:
    """The public timelines storage offers, called as they can be: `local` and `federated`
    functions, or one `public(session, viewer_id, *, local)`; skipped when absent or unknown."""
    pages: dict[str, Page] = {}
    known = {"session", "limit", "max_id", "since_id", "min_id", "account_id", "viewer_id"}
    for name, fn_name, local in (
        ("local", "local", None),
        ("federated", "federated", None),
        ("local", "public", True),
        ("federated", "public", False),
    ):
        fn = getattr(timelines, fn_name, None)
        if name in pages or not callable(fn):
            continue
        params = inspect.signature(fn).parameters
        unknown = set(params) - known - ({"local"} if local is not None else set())
        if unknown:
            print(f"skipping timelines.{fn_name}: unknown parameters {sorted(unknown)}")
            continue
        extra: dict[str, Any] = {n: viewer for n in ("account_id", "viewer_id") if n in params}
        if local is not None:
            extra["local"] = local
        pages[name] = _page(fn, **extra)
    return pages


def _page(fn: Callable[..., Awaitable[Sequence[Any]]], *args: Any, **kwargs: Any) -> Page:
    """A page of a timeline function, below max_id."""

    async def page(session: AsyncSession, max_id: int | None, limit: int) -> Sequence[Any]:
        return await fn(session, *args, limit=limit, max_id=max_id, **kwargs)

    return page


async def _time_case(
    reads: Callable[[], AsyncSession], page: Page, max_id: int | None, reps: int, budget: float
) -> tuple[int, list[float]]:
    """Row count and per-call seconds of one page (a read session and the call, as a request
    makes them): `reps` calls, fewer (at least 20) when they take longer than `budget` s."""
    rows, warm = 0, 0
    deadline = time.perf_counter() + budget / 4
    while warm < 3 or (warm < reps // 20 and time.perf_counter() < deadline):  # warm cache
        async with reads() as session:
            rows = len(await page(session, max_id, PAGE))
        warm += 1
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < reps and (len(times) < 20 or time.perf_counter() < deadline):
        start = time.perf_counter()
        async with reads() as session:
            await page(session, max_id, PAGE)
        times.append(time.perf_counter() - start)
    return rows, times


async def _cursors(
    reads: Callable[[], AsyncSession], page: Page, depths: Sequence[int]
) -> dict[int, int | None]:
    """max_id of each page depth (1 = the first page): the last entry above it, read in long
    pages (keyset paging makes that the same cursor as paging down 20 at a time)."""
    found: dict[int, int | None] = {}
    max_id: int | None = None
    read = 0  # entries above max_id
    async with reads() as session:
        for depth in sorted(depths):
            while read < (depth - 1) * PAGE:
                rows = await page(session, max_id, (depth - 1) * PAGE - read)
                if not rows:
                    return found
                read += len(rows)
                max_id = _cursor(rows[-1])
            found[depth] = max_id
    return found


async def measure(
    reads: Callable[[], AsyncSession],
    viewers: dict[str, int],
    *,
    depths: Sequence[int],
    reps: int,
    budget: float,
    explainer: Explainer | None = None,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Time every timeline, viewer and page depth."""
    cases: list[tuple[str, str, Page]] = []
    for label, account in viewers.items():
        cases.append(("home", label, _page(timelines.home, account)))
        cases.append(("home feed", label, _page(home_reads.home, account)))
    for name, page in _public_pages(next(iter(viewers.values()))).items():
        cases.append((name, "-", page))
    results = []
    for timeline, viewer, page in cases:
        for depth, max_id in (await _cursors(reads, page, depths)).items():
            rows, times = await _time_case(reads, page, max_id, reps, budget)
            results.append(Result(timeline, viewer, depth, rows, times))
            if progress is not None:
                progress(results[-1])
            if explainer is not None:
                await explainer.explain(f"{timeline}, {viewer}, page {depth}", reads, page, max_id)
    return results


class Explainer:
    """Records the statements a read engine runs, and prints the plans of one page's."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.seen.append((statement, params))

    async def explain(
        self, title: str, reads: Callable[[], AsyncSession], page: Page, max_id: int | None
    ) -> None:
        """Print the plan of every statement one page runs (PostgreSQL: EXPLAIN ANALYZE) and
        its median time run alone through the driver (rows fetched, no ORM objects made)."""
        self.seen = []
        async with reads() as session:
            await page(session, max_id, PAGE)
        statements, self.seen = self.seen, []
        postgres = self.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        print(f"\n-- {title}")
        for statement, params in statements:
            async with self.engine.connect() as conn:
                rows = (await conn.exec_driver_sql(prefix + statement, params)).all()
                times = []
                for _ in range(21):
                    start = time.perf_counter()
                    (await conn.exec_driver_sql(statement, params)).all()
                    times.append(time.perf_counter() - start)
            median = statistics.median(times) * 1000
            print(f"{statement}\n{params}\n-- alone: median {median:.2f} ms")
            if postgres:
                print("\n".join(str(row[0]) for row in rows))
                continue
            depth: dict[int, int] = {0: 0}
            for node, parent, _, detail in map(tuple, rows):
                depth[node] = depth.get(parent, 0) + 1
                print("  " * depth[node] + str(detail))


# ---- running -------------------------------------------------------------------------------


async def bench(
    url: str,
    shape: Shape,
    *,
    reps: int = 500,
    budget: float = 20.0,
    depths: Sequence[int] = (1, 10, 100),
    explain: bool = False,
    sql: Sequence[str] = (),
    progress: bool = False,
) -> tuple[Filled, list[Result]]:
    """Fill the database at `url` (unless it already has posts) and time its timelines."""
    engine = create_engine(url)
    read_engine = create_read_engine(url, engine)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
            has = "posts" in tables and bool(await conn.scalar(select(func.count(Post.id))))
        if has:
            filled = Filled(viewers=await viewers_of(engine, shape))
        else:
            filled = await fill(engine, shape)
            counts = ", ".join(f"{n:,} {what}" for what, n in filled.counts.items())
            print(f"{engine.dialect.name}: filled in {filled.seconds:.1f} s ({counts})")
        await build_feeds(engine)
        async with engine.begin() as conn:
            for statement in sql:
                start = time.perf_counter()
                await conn.execute(text(statement))
                print(f"ran in {time.perf_counter() - start:.1f} s: {statement}")
        explainer = Explainer(read_engine) if explain else None
        reads = session_factory(read_engine)
        results = await measure(
            reads,
            filled.viewers,
            depths=depths,
            reps=reps,
            budget=budget,
            explainer=explainer,
            progress=_progress if progress else None,
        )
        return filled, results
    finally:
        if read_engine is not engine:
            await read_engine.dispose()
        await engine.dispose()


async def build_feeds(engine: AsyncEngine) -> float:
    """Build every local account's home feed (storage.home_feed.rebuild, as an upgrade fills
    them; the fill's bulk inserts fan nothing out) unless built; returns the seconds taken."""
    start = time.perf_counter()
    async with engine.begin() as conn:
        if await conn.scalar(select(HomeFeedEntry.entry_id).limit(1)) is not None:
            return 0.0
        local = (await conn.execute(select(Account.id).where(Account.domain.is_(None)))).scalars()

        def build(sync: Any) -> None:
            for account_id in list(local):
                home_feed.rebuild(sync, account_id)

        await conn.run_sync(build)
    async with engine.connect() as conn:
        admin = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await admin.execute(text("VACUUM ANALYZE home_feed_entries" if _pg(engine) else "ANALYZE"))
    seconds = time.perf_counter() - start
    print(f"{engine.dialect.name}: home feeds built in {seconds:.1f} s")
    return seconds


def _pg(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def _admin(admin_url: str, statement: str) -> None:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


HEADER = "timeline   viewer          page  rows  calls   p50 ms   p99 ms"


def _line(r: Result) -> str:
    return (
        f"{r.timeline:<10} {r.viewer:<14} {r.page:>5} {r.rows:>5} {len(r.times):>6} "
        f"{r.p50:>8.2f} {r.p99:>8.2f}"
    )


def _progress(r: Result) -> None:
    print(_line(r), file=sys.stderr, flush=True)


def _report(backend: str, results: list[Result]) -> None:
    print(f"\n{backend}: ms per page of 20, warm cache (each case warmed up first)")
    print("\n".join([HEADER, *map(_line, results)]), flush=True)


async def run(args: argparse.Namespace) -> None:
    shape = Shape(accounts=args.accounts, posts=args.posts, boosts=args.boosts, likes=args.boosts)
    options = {
        "reps": args.reps,
        "budget": args.budget,
        "explain": args.explain,
        "sql": args.sql,
        "progress": True,
    }
    if args.url:
        _, results = await bench(args.url, shape, **options)
        _report(make_url(args.url).get_backend_name(), results)
        return
    for backend in args.backends.split(","):
        tmp = tempfile.mkdtemp(prefix="impasto_bench_")
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        name = f"impasto_bench_{secrets.token_hex(6)}"
        if backend == "postgresql":
            await _admin(args.postgres, f'CREATE DATABASE "{name}"')
            url = make_url(args.postgres).set(database=name).render_as_string(False)
        try:
            _, results = await bench(url, shape, **options)
            _report(backend, results)
        finally:
            if args.keep:
                print(f"kept: {url}")
            else:
                shutil.rmtree(tmp)
                if backend == "postgresql":
                    await _admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--boosts", type=int, default=100_000, help="and as many likes")
    parser.add_argument("--reps", type=int, default=500, help="calls per case")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per case at most")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES, help="admin URL of the server")
    parser.add_argument("--explain", action="store_true", help="print each case's query plan")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (its URL is printed)"
    )
    parser.add_argument("--url", help="time this already filled database instead")
    parser.add_argument("--sql", action="append", default=[], help="run before timing")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
