"""Migration 0014: an upgraded instance has every local account's home feed filled from what
it stored already (a home page from the feed is the query's page), and going back down drops
the feeds and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import column, func, insert, select, table

from storage import home_reads, timelines
from storage.db import create_engine, session_factory
from storage.feed_models import HomeFeedEntry
from storage.ids import new_id
from storage.migrate import downgrade, upgrade
from storage.models import Follow, Post, Reaction

T0 = 1_790_000_000_000


def _account(n: int, name: str, domain: str | None) -> dict[str, object]:
    base = f"http://{domain or 'here.test'}/users/{name}"
    now = datetime.now(UTC)
    return {
        "id": n,
        "uri": base,
        "username": name,
        "domain": domain,
        "inbox_url": f"{base}/inbox",
        "public_key_id": f"{base}#main-key",
        "public_key_pem": "pem",
        "actor_type": "Person",
        "display_name": name,
        "summary": "",
        "manually_approves_followers": False,
        "discoverable": True,
        "created_at": now,
        "updated_at": now,
    }


def _post(n: int, author: int, minute: int, **extra: object) -> dict[str, object]:
    at = T0 + minute * 60_000
    return {
        "id": new_id(at_ms=at),
        "uri": f"http://x.test/{n}",
        "account_id": author,
        "local": author < 3,
        "published_at": datetime.fromtimestamp(at / 1000, UTC),
        "visibility": "public",
        "deleted_at": None,
        **extra,
    }


async def test_upgrading_fills_each_local_home_feed(db_url: str) -> None:
    alice, bob, carol = 1, 2, 3
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0012")
        posts = [
            _post(1, carol, 1),
            _post(2, carol, 2, visibility="private"),
            _post(3, bob, 3),
            _post(4, alice, 4),
            _post(5, carol, 5, deleted_at=datetime.now(UTC)),
            _post(6, bob, 6, visibility="direct"),
        ]
        async with engine.begin() as conn:  # core inserts: no flush, no fan-out
            # The columns of accounts as 0012 made them (later migrations add more).
            accounts_0012 = table("accounts", *(column(key) for key in _account(0, "x", None)))
            await conn.execute(
                insert(accounts_0012),
                [
                    _account(alice, "alice", None),
                    _account(bob, "bob", None),
                    _account(carol, "carol", "peer.test"),
                ],
            )
            now = datetime.now(UTC)
            follows = [
                (alice, carol, "accepted"),
                (alice, bob, "pending"),
                (carol, bob, "accepted"),
            ]
            await conn.execute(
                insert(Follow),
                [
                    {"id": n, "uri": f"http://f/{n}", "follower_id": a, "target_id": b}
                    | {"state": state, "created_at": now}
                    for n, (a, b, state) in enumerate(follows, start=1)
                ],
            )
            await conn.execute(insert(Post), posts)
            boosts = [(carol, posts[2]["id"], "announce"), (carol, posts[3]["id"], "like")]
            await conn.execute(
                insert(Reaction),
                [
                    {"id": new_id(at_ms=T0 + (9 + n) * 60_000), "uri": f"http://r/{n}"}
                    | {"account_id": a, "post_id": p, "kind": kind, "created_at": now}
                    for n, (a, p, kind) in enumerate(boosts)
                ],
            )
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as session:
            for reader in (alice, bob):
                fed = await home_reads.home(session, reader)
                assert [(e.id, e.booster) for e in fed] == [
                    (e.id, e.booster) for e in await timelines.home(session, reader)
                ]
            alice_home = await home_reads.home(session, alice)
            assert [(e.post.uri, e.booster.id if e.booster else None) for e in alice_home] == [
                ("http://x.test/3", carol),  # carol's boost of bob's post
                ("http://x.test/4", None),
                ("http://x.test/2", None),  # followers-only: alice follows carol
                ("http://x.test/1", None),
            ]
            count = select(func.count()).select_from(HomeFeedEntry)
            carol_feed = count.where(HomeFeedEntry.account_id == carol)
            assert await session.scalar(carol_feed) == 0  # a remote account has no home
            assert (await session.scalar(count) or 0) >= 6
        await downgrade(engine, "0013")  # the revision before the feeds
        async with engine.connect() as conn:
            assert (await conn.execute(select(func.count()).select_from(Post))).scalar() == 6
        await upgrade(engine)  # and up again
    finally:
        await engine.dispose()
