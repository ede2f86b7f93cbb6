"""The stored account counts (account_stats, kept by triggers) equal the counts of the rows
themselves after any sequence of changes, whichever way each change is written: ORM objects,
core INSERT, UPDATE and DELETE statements, the storage functions that end follows and erase
accounts, and accounts deleted with everything cascading from them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from storage import account_counts, account_removal, blocks, domain_blocks, follows, posts
from storage.ids import new_id
from storage.models import Account, Follow, Post
from storage.stats_models import AccountStats
from tests.support import rows

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DOMAINS = (None, None, "peer.test", "other.test")


class World:
    """Random changes to accounts, posts and follows, each written one of several ways."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    async def _ids(self, session: AsyncSession, model: type[Account] | type[Post]) -> list[int]:
        return sorted((await session.execute(select(model.id))).scalars())

    async def _follow_pairs(self, session: AsyncSession) -> list[tuple[int, int, str]]:
        stmt = select(Follow.follower_id, Follow.target_id, Follow.state).order_by(Follow.id)
        return [(a, b, state) for a, b, state in await session.execute(stmt)]

    def _post(self, author: int, **extra: object) -> dict[str, object]:
        n = self._next()
        return {
            "id": new_id(),
            "uri": f"http://x.test/p/{n}",
            "account_id": author,
            "published_at": T0 + timedelta(minutes=self.rng.randrange(10_000)),
            "deleted_at": None,
            **extra,
        }

    async def step(self, session: AsyncSession) -> str:
        """One random change; returns its name (for the failure message)."""
        rng = self.rng
        people = await self._ids(session, Account)
        if len(people) < 3 or rng.random() < 0.08:
            n = self._next()
            domain = rng.choice(DOMAINS)
            session.add(rows.account(f"http://{domain or 'here.test'}/u/a{n}", f"a{n}", domain))
            return "account"
        kind = rng.choice(
            [
                "orm post",
                "core posts",
                "tombstone",
                "orm delete post",
                "core delete posts",
                "republish",
                "follow",
                "accept",
                "core accept all",
                "unfollow",
                "orm unfollow",
                "sever",
                "erase",
                "delete account",
                "domain block",
            ]
        )
        ids = await self._ids(session, Post)
        pairs = await self._follow_pairs(session)
        if kind == "orm post":
            session.add(Post(**self._post(rng.choice(people))))
        elif kind == "core posts":
            batch = [self._post(rng.choice(people)) for _ in range(rng.randrange(1, 6))]
            batch[0]["deleted_at"] = T0 if rng.random() < 0.3 else None  # stored as deleted
            await session.execute(insert(Post), batch)
        elif kind == "tombstone" and ids:
            await posts.tombstone(session, rng.choice(ids))
        elif kind == "orm delete post" and ids:
            post = await session.get(Post, rng.choice(ids))
            await session.delete(post)
        elif kind == "core delete posts" and ids:
            await session.execute(
                delete(Post).where(Post.id.in_(rng.sample(ids, min(3, len(ids)))))
            )
        elif kind == "republish" and ids:  # the newest post may become older, or move
            stmt = update(Post).where(Post.id == rng.choice(ids))
            moved = T0 + timedelta(minutes=rng.randrange(10_000))
            await session.execute(stmt.values(published_at=moved, account_id=rng.choice(people)))
        elif kind == "follow":
            a, b = rng.choice(people), rng.choice(people)
            state = rng.choice(["pending", "accepted"])
            await follows.add(
                session,
                follower_id=a,
                target_id=b,
                uri=f"http://x.test/f/{self._next()}",
                state=state,
            )
        elif kind == "accept" and pairs:
            a, b, _ = rng.choice(pairs)
            follow = await follows.get(session, a, b)
            assert follow is not None
            follow.state = "pending" if follow.state == "accepted" else "accepted"
        elif kind == "core accept all":
            await session.execute(update(Follow).values(state="accepted"))
        elif kind == "unfollow" and pairs:
            a, b, _ = rng.choice(pairs)
            await follows.remove(session, a, b)
        elif kind == "orm unfollow" and pairs:
            a, b, _ = rng.choice(pairs)
            await session.delete(await follows.get(session, a, b))
        elif kind == "sever" and pairs:
            a, b, _ = rng.choice(pairs)
            await blocks.sever(session, a, b)
        elif kind == "erase":
            await account_removal.erase(session, rng.choice(people))
        elif kind == "delete account" and rng.random() < 0.5:
            await session.execute(delete(Account).where(Account.id == rng.choice(people)))
        elif kind == "domain block" and rng.random() < 0.3:
            await domain_blocks.add(session, rng.choice(DOMAINS[2:]))
        else:
            return "nothing"
        return kind


async def _check(session: AsyncSession, done: list[str]) -> None:
    people = list((await session.execute(select(Account.id))).scalars())
    kept = (await session.execute(select(func.count()).select_from(AccountStats))).scalar_one()
    assert kept == len(people), f"an account without its stats row after {done}"
    stored = await account_counts.counts_of(session, people)
    truth = await account_counts.counted(session, people)
    assert stored == truth, f"after {done}"


@pytest.mark.parametrize("seed", range(6))
async def test_stored_counts_equal_counted_rows_after_random_changes(
    svc: Services, seed: int
) -> None:
    rng = random.Random(seed)
    world = World(rng)
    done: list[str] = []
    for _ in range(12):  # transactions
        async with svc.sessions.begin() as session:
            for _ in range(rng.randrange(1, 8)):
                done.append(await world.step(session))
                await session.flush()
        async with svc.reads() as session:
            await _check(session, done)


async def test_the_profile_counts_read_the_stored_row_and_the_waiting_requests(
    svc: Services,
) -> None:
    """What storage.account_counts.counts answers the owner: stored counts, live requests."""
    async with svc.sessions.begin() as session:
        alice = rows.account("http://here.test/u/alice", "alice", None)
        bob = rows.account("http://peer.test/u/bob", "bob", "peer.test")
        carol = rows.account("http://peer.test/u/carol", "carol", "peer.test")
        session.add_all([alice, bob, carol])
        await session.flush()
        world = World(random.Random(0))
        for at in (T0, T0 + timedelta(days=2), T0 + timedelta(days=1)):
            session.add(Post(**world._post(alice.id, published_at=at)))
        session.add(rows.accepted_follow("http://peer.test/f/1", bob.id, alice.id))
        session.add(rows.accepted_follow("http://here.test/f/2", alice.id, bob.id))
        await follows.add(
            session, follower_id=carol.id, target_id=alice.id, uri="http://p/f/3", state="pending"
        )
    async with svc.reads() as session:
        found = await account_counts.counts(session, alice.id)
        assert found == account_counts.AccountCounts(1, 1, 3, T0 + timedelta(days=2), 1)
    # The stored row is what is read (a row changed behind the triggers' back shows).
    async with svc.sessions.begin() as session:
        await session.execute(
            update(AccountStats).where(AccountStats.account_id == alice.id).values(statuses_count=7)
        )
    async with svc.reads() as session:
        assert (await account_counts.counts(session, alice.id)).statuses == 7
