"""Migration 0018: an upgraded instance has every account's counts counted from what it
stored already (posts not deleted, accepted follows both ways, the newest post's time), kept
by the triggers from then on; going back down drops the table and its triggers and nothing
else, and going up again counts afresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import account_counts
from storage.account_counts import AccountCounts
from storage.db import create_engine, session_factory
from storage.ids import new_id
from storage.migrate import downgrade, upgrade
from storage.models import Account, Follow, Post

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _account(n: int, domain: str | None) -> dict[str, object]:
    uri = f"http://{domain or 'here.test'}/users/u{n}"
    return {
        "id": n,
        "uri": uri,
        "username": f"u{n}",
        "domain": domain,
        "inbox_url": f"{uri}/inbox",
        "public_key_id": f"{uri}#main-key",
        "public_key_pem": "pem",
    }


def _post(n: int, author: int, day: int, deleted: bool = False) -> dict[str, object]:
    return {
        "id": new_id(),
        "uri": f"http://x.test/{n}",
        "account_id": author,
        "published_at": T0 + timedelta(days=day),
        "deleted_at": T0 if deleted else None,
    }


def _follow(n: int, follower: int, target: int, state: str) -> dict[str, object]:
    return {
        "id": new_id(),
        "uri": f"http://x.test/f{n}",
        "follower_id": follower,
        "target_id": target,
        "state": state,
    }


async def _counts(engine: AsyncEngine, ids: list[int]) -> dict[int, AccountCounts]:
    async with session_factory(engine)() as session:
        return await account_counts.counts_of(session, ids)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrading_counts_what_is_stored_and_downgrading_drops_only_the_counts(
    db_url: str,
) -> None:
    alice, bob, carol, dave = 1, 2, 3, 4
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0017")
        async with engine.begin() as conn:  # rows stored before the counts existed
            await conn.execute(
                insert(Account),
                [
                    _account(alice, None),
                    _account(bob, None),
                    _account(carol, "peer.test"),
                    _account(dave, "peer.test"),
                ],
            )
            await conn.execute(
                insert(Post),
                [
                    _post(1, alice, 1),
                    _post(2, alice, 5),
                    _post(3, alice, 9, deleted=True),  # deleted: neither counted nor newest
                    _post(4, carol, 2),
                ],
            )
            await conn.execute(
                insert(Follow),
                [
                    _follow(1, bob, alice, "accepted"),
                    _follow(2, carol, alice, "accepted"),
                    _follow(3, dave, alice, "pending"),  # a request: not a follower yet
                    _follow(4, alice, carol, "accepted"),
                ],
            )
        await upgrade(engine)
        ids = [alice, bob, carol, dave]
        assert await _counts(engine, ids) == {
            alice: AccountCounts(2, 1, 2, T0 + timedelta(days=5), 0),
            bob: AccountCounts(0, 1, 0, None, 0),
            carol: AccountCounts(1, 1, 1, T0 + timedelta(days=2), 0),
            dave: AccountCounts(0, 0, 0, None, 0),
        }
        async with engine.begin() as conn:  # the triggers keep them from now on
            await conn.execute(update(Follow).where(Follow.id.isnot(None)).values(state="accepted"))
            await conn.execute(insert(Post), [_post(5, dave, 3)])
        assert (await _counts(engine, [alice]))[alice].followers == 3
        assert (await _counts(engine, [dave]))[dave] == AccountCounts(
            0, 1, 1, T0 + timedelta(days=3), 0
        )

        await downgrade(engine, "0017")
        assert "account_stats" not in await _tables(engine)
        async with engine.begin() as conn:  # no trigger left to write to the dropped table
            await conn.execute(insert(Post), [_post(6, bob, 7)])
            await conn.execute(insert(Account), [_account(5, None)])
            posts = await conn.scalar(select(func.count()).select_from(Post))
        assert posts == 6  # every post kept

        await upgrade(engine)
        async with session_factory(engine)() as session:
            everyone = [*ids, 5]
            assert await account_counts.counts_of(
                session, everyone
            ) == await account_counts.counted(session, everyone)
            assert (await account_counts.counts_of(session, [bob]))[bob].statuses == 1
    finally:
        await engine.dispose()
