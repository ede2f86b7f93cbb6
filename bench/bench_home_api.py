"""The home timeline over the client API at scale: p50/p99 of `GET /api/v1/timelines/home`.

Fills a fresh database as bench/bench_timeline.py does (1,000,000 posts from 10,000 accounts,
bench/timeline_fill.py), builds the local accounts' home feeds (storage.home_feed.rebuild, as
migration 0014 fills them on an upgrade), then sends real requests with a bearer token to the
Quart app in this process (its test client: routing, the token and scope check, the feed's
page, every status rendered as Mastodon JSON; no socket). For each viewer (following 50, 300
and 2,000 accounts, and one following 10 quiet ones) it times the first page of 20 and the
page 10 down (its max_id found by following the `Link` header), warm, `--reps` requests each.

    .venv/bin/python bench/bench_home_api.py [--posts 1000000] [--accounts 10000] [--reps 500]
        [--backends sqlite,postgresql] [--url URL] [--keep]

`--url` times an already filled database (`bench_timeline.py --keep` prints one).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import tomli_w
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_timeline import POSTGRES, Result, _admin, _line, build_feeds  # noqa: E402
from bench.timeline_fill import Shape, fill, viewers_of  # noqa: E402
from fedi.core.services import Services  # noqa: E402
from fedi.core.settings import load_settings  # noqa: E402
from fedi.domain.apps import personal_token  # noqa: E402
from fedi.web.app import create_app  # noqa: E402
from fedi.web.server import settle_collector  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.models import Account, Post  # noqa: E402

HOME = "/api/v1/timelines/home"
NEXT = re.compile(r'<[^>]*[?&]max_id=(\d+)[^>]*>;\s*rel="next"')


async def _prepare(url: str, shape: Shape) -> dict[str, int]:
    """Fill the database unless it has posts, and build the home feeds unless built."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
            has = "posts" in tables and bool(await conn.scalar(select(func.count(Post.id))))
        if has:
            viewers = await viewers_of(engine, shape)
        else:
            filled = await fill(engine, shape)
            counts = ", ".join(f"{n:,} {what}" for what, n in filled.counts.items())
            print(f"{engine.dialect.name}: filled in {filled.seconds:.1f} s ({counts})")
            viewers = filled.viewers
        await build_feeds(engine)
        return viewers
    finally:
        await engine.dispose()


async def _usernames(svc: Services, ids: list[int]) -> dict[int, str]:
    async with svc.reads() as session:
        rows = await session.execute(
            select(Account.id, Account.username).where(Account.id.in_(ids))
        )
        return {account_id: name for account_id, name in rows}


async def measure_api(
    url: str, shape: Shape, *, reps: int, budget: float, depths: tuple[int, ...] = (1, 10)
) -> list[Result]:
    """Time the home timeline's pages over the API for every viewer."""
    viewers = await _prepare(url, shape)
    with tempfile.TemporaryDirectory(prefix="impasto_bench_api_") as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(
            tomli_w.dumps(
                {
                    "instance": {"url": "http://127.0.0.1:9", "name": "bench", "secret_key": "b"},
                    "database": {"url": url},
                    "media": {"dir": str(Path(tmp) / "media")},
                    "generator": {"backend": "builtin"},
                    # The benchmark sends thousands of requests with one token: no rate limit.
                    "limits": {
                        "api_requests_per_5_minutes": 0,
                        "api_anonymous_requests_per_5_minutes": 0,
                    },
                }
            )
        )
        settings = load_settings(config)
        app = create_app(settings, workers=False)
        settle_collector()  # as `impasto serve` does
        results: list[Result] = []
        async with app.test_app() as test_app:
            svc: Services = app.config["IMPASTO_SERVICES"]
            names = await _usernames(svc, list(viewers.values()))
            client = test_app.test_client()
            for label, account_id in viewers.items():
                issued = await personal_token(svc, names[account_id], "read")
                headers = {"Authorization": f"Bearer {issued.secret}"}
                max_id: str | None = None
                for depth in range(1, max(depths) + 1):
                    query = {"limit": "20"} | ({"max_id": max_id} if max_id else {})
                    if depth in depths and (depth == 1 or max_id is not None):
                        rows, times = await _time(client, headers, query, reps, budget)
                        results.append(Result("home API", label, depth, rows, times))
                        print(_line(results[-1]), file=sys.stderr, flush=True)
                    response = await client.get(HOME, headers=headers, query_string=query)
                    found = NEXT.search(response.headers.get("Link", ""))
                    if found is None or not await response.get_json():
                        break
                    max_id = found.group(1)
        return results


async def _time(
    client: object, headers: dict[str, str], query: dict[str, str], reps: int, budget: float
) -> tuple[int, list[float]]:
    """Statuses in the page, and seconds per request: warmed up, then `reps` requests (fewer,
    at least 20, past `budget` seconds)."""
    get = client.get  # type: ignore[attr-defined]
    rows = 0
    for _ in range(max(3, reps // 20)):
        response = await get(HOME, headers=headers, query_string=query)
        assert response.status_code == 200, await response.get_data(as_text=True)
        rows = len(await response.get_json())
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < reps and (len(times) < 20 or time.perf_counter() < deadline):
        start = time.perf_counter()
        response = await get(HOME, headers=headers, query_string=query)
        await response.get_data()
        times.append(time.perf_counter() - start)
    return rows, times


async def run(args: argparse.Namespace) -> None:
    shape = Shape(accounts=args.accounts, posts=args.posts, boosts=args.boosts, likes=args.boosts)
    header = "timeline   viewer          page  rows  calls   p50 ms   p99 ms"
    if args.url:
        results = await measure_api(args.url, shape, reps=args.reps, budget=args.budget)
        print(f"\n{make_url(args.url).get_backend_name()}: ms per request, page of 20, warm")
        print("\n".join([header, *map(_line, results)]), flush=True)
        return
    for backend in args.backends.split(","):
        tmp = tempfile.mkdtemp(prefix="impasto_bench_")
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        name = f"impasto_bench_{secrets.token_hex(6)}"
        if backend == "postgresql":
            await _admin(args.postgres, f'CREATE DATABASE "{name}"')
            url = make_url(args.postgres).set(database=name).render_as_string(False)
        try:
            results = await measure_api(url, shape, reps=args.reps, budget=args.budget)
            print(f"\n{backend}: ms per request, page of 20, warm")
            print("\n".join([header, *map(_line, results)]), flush=True)
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
    parser.add_argument("--reps", type=int, default=500, help="requests per case")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per case at most")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES, help="admin URL of the server")
    parser.add_argument("--url", help="time this already filled database instead")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
