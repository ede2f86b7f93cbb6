"""The precomputed home feeds: what each change writes into them, and that a home page read
from a feed is, page for page, the page storage.timelines' query reads from the posts (on
random small worlds, with the feed whole, and trimmed so that older pages come from the
posts)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from storage import (
    account_removal,
    blocks,
    domain_blocks,
    follows,
    home_feed,
    home_reads,
    posts,
    timelines,
)
from storage import reactions as reaction_rows
from storage.feed_models import HomeFeed, HomeFeedEntry
from storage.ids import new_id
from storage.models import Account, Follow, Mention, Post
from storage.timelines import Entry
from tests.support import rows

T0 = 1_790_000_000_000  # epoch milliseconds


def _account(name: str, domain: str | None) -> Account:
    host = domain or "here.test"
    return rows.account(f"http://{host}/users/{name}", name, domain)


@dataclass
class World:
    """Accounts by name, posts in the order they were made, and the session factory."""

    svc: Services
    accounts: dict[str, Account] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    clock: int = 0

    def id(self, name: str) -> int:
        return self.accounts[name].id

    async def add_accounts(self, *names: tuple[str, str | None]) -> None:
        async with self.svc.sessions.begin() as session:
            for name, domain in names:
                self.accounts[name] = _account(name, domain)
                session.add(self.accounts[name])

    async def post(
        self,
        author: str,
        *,
        visibility: str = "public",
        mentions: tuple[str, ...] = (),
        minute: int | None = None,
    ) -> Post:
        """A post; `minute` publishes it then (an old remote post arriving late)."""
        self.clock += 1
        at = T0 + 60_000 * (self.clock if minute is None else minute)
        account = self.accounts[author]
        post = Post(
            id=new_id(at_ms=at),
            uri=f"{account.uri}/statuses/{self.clock}",
            account_id=account.id,
            local=account.domain is None,
            visibility=visibility,
            content_html=f"{author} {self.clock}",
        )
        async with self.svc.sessions.begin() as session:
            session.add(post)
            await session.flush()
            session.add_all(Mention(post_id=post.id, account_id=self.id(m)) for m in mentions)
        self.posts.append(post)
        return post

    async def boost(self, who: str, post: Post) -> None:
        async with self.svc.sessions.begin() as session:
            uri = f"{self.accounts[who].uri}/boosts/{post.id}"
            await reaction_rows.add(session, reaction_rows.ANNOUNCE, uri, self.id(who), post.id)

    async def follow(self, who: str, whom: str, state: str = "accepted") -> None:
        async with self.svc.sessions.begin() as session:
            uri = f"{self.accounts[who].uri}/follows/{whom}"
            await follows.add(
                session, follower_id=self.id(who), target_id=self.id(whom), uri=uri, state=state
            )

    async def accept(self, who: str, whom: str) -> None:
        async with self.svc.sessions.begin() as session:
            found = await follows.get(session, self.id(who), self.id(whom))
            if found is not None:
                found.state = "accepted"

    async def unfollow(self, who: str, whom: str) -> None:
        async with self.svc.sessions.begin() as session:
            await follows.remove(session, self.id(who), self.id(whom))

    async def block(self, who: str, whom: str) -> None:
        async with self.svc.sessions.begin() as session:
            uri = f"{self.accounts[who].uri}/blocks/{whom}"
            await blocks.add(session, account_id=self.id(who), target_id=self.id(whom), uri=uri)
            await blocks.sever(session, self.id(who), self.id(whom))

    async def delete(self, post: Post) -> None:
        async with self.svc.sessions.begin() as session:
            await posts.tombstone(session, post.id)

    async def feed(self, reader: str) -> list[tuple[int, int, int | None]]:
        """The reader's feed rows (entry id, post id, booster id), newest first."""
        async with self.svc.reads() as session:
            stmt = (
                select(HomeFeedEntry.entry_id, HomeFeedEntry.post_id, HomeFeedEntry.booster_id)
                .where(HomeFeedEntry.account_id == self.id(reader))
                .order_by(HomeFeedEntry.entry_id.desc())
            )
            return [(e, p, b) for e, p, b in await session.execute(stmt)]

    async def complete_from(self, reader: str) -> int:
        async with self.svc.reads() as session:
            stmt = select(HomeFeed.complete_from).where(HomeFeed.account_id == self.id(reader))
            return (await session.scalar(stmt)) or 0


@pytest.fixture
async def world(svc: Services) -> World:
    w = World(svc)
    await w.add_accounts(
        ("alice", None), ("bob", None), ("carol", "peer.test"), ("dave", "peer.test")
    )
    return w


def _key(entry: Entry) -> tuple[int, int, int | None]:
    return (entry.id, entry.post.id, entry.booster.id if entry.booster else None)


async def _both(world: World, reader: str, **window: Any) -> list[tuple[int, int, int | None]]:
    """The feed's page, checked against the query's page."""
    async with world.svc.reads() as session:
        fed = await home_reads.home(session, world.id(reader), **window)
        queried = await timelines.home(session, world.id(reader), **window)
    assert [_key(e) for e in fed] == [_key(e) for e in queried], window
    return [_key(e) for e in fed]


async def test_a_post_goes_to_its_author_and_local_followers_only(world: World) -> None:
    await world.follow("bob", "alice")
    await world.follow("carol", "alice")  # a remote follower has no home here
    await world.follow("bob", "carol")
    mine = await world.post("alice")
    theirs = await world.post("carol", minute=-5)  # an older remote post arriving late
    assert await world.feed("alice") == [(mine.id, mine.id, None)]
    assert await world.feed("bob") == [(mine.id, mine.id, None), (theirs.id, theirs.id, None)]
    async with world.svc.reads() as session:
        stored = select(HomeFeedEntry.account_id).where(HomeFeedEntry.post_id == theirs.id)
        assert list((await session.execute(stored)).scalars()) == [world.id("bob")]
    assert [p for _, p, _ in await _both(world, "bob")] == [mine.id, theirs.id]


async def test_a_boost_goes_to_the_booster_and_its_local_followers(world: World) -> None:
    await world.follow("bob", "carol")
    post = await world.post("dave")
    await world.boost("carol", post)
    await world.boost("alice", post)
    bob_feed, alice_feed = await world.feed("bob"), await world.feed("alice")
    assert [(p, b) for _, p, b in bob_feed] == [(post.id, world.id("carol"))]
    assert [(p, b) for _, p, b in alice_feed] == [(post.id, world.id("alice"))]
    assert bob_feed[0][0] != post.id  # keyed by the boost, as the timeline pages it
    await _both(world, "bob")


async def test_an_accepted_follow_brings_the_newest_posts_and_boosts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home_feed, "BACKFILL", 2)
    made = [await world.post("carol") for _ in range(3)]
    await world.boost("carol", await world.post("dave"))
    await world.follow("alice", "carol", state="pending")
    assert await world.feed("alice") == []  # a request brings nothing
    await world.accept("alice", "carol")
    entries = await world.feed("alice")
    assert [p for _, p, b in entries if b is None] == [made[2].id, made[1].id]
    assert len([b for *_, b in entries if b == world.id("carol")]) == 1
    # The third post was left out: the feed is complete only from the second one up.
    assert await world.complete_from("alice") == made[1].id
    pages = [await _both(world, "alice", limit=1, max_id=m) for m in (None, made[1].id + 1)]
    assert await _both(world, "alice", limit=5, max_id=made[1].id) == [
        (made[0].id, made[0].id, None)
    ]
    assert pages[1] == [(made[1].id, made[1].id, None)]


async def test_unfollow_and_block_take_the_account_out(world: World) -> None:
    for target in ("carol", "dave"):
        await world.follow("alice", target)
    await world.follow("bob", "carol")
    post = await world.post("carol")
    await world.post("dave")
    await world.boost("dave", post)
    await world.unfollow("alice", "dave")
    assert [p for _, p, _ in await world.feed("alice")] == [post.id]  # dave's post and boost
    await world.block("alice", "carol")
    assert await world.feed("alice") == []
    assert [p for _, p, _ in await world.feed("bob")] == [post.id]  # bob's feed is his
    assert await _both(world, "alice") == []


async def test_a_blocked_server_leaves_every_feed(world: World) -> None:
    await world.follow("alice", "carol")
    await world.post("carol")
    async with world.svc.sessions.begin() as session:
        await domain_blocks.add(session, "peer.test")
    assert await world.feed("alice") == []


async def test_a_deleted_post_is_not_shown_and_an_erased_one_leaves(world: World) -> None:
    await world.follow("alice", "bob")
    kept, gone = await world.post("bob"), await world.post("bob")
    await world.delete(gone)
    assert [p for _, p, _ in await _both(world, "alice")] == [kept.id]
    for _ in range(5):  # more deleted rows than a chunk of the feed (twice the page)
        await world.delete(await world.post("bob"))
    assert [p for _, p, _ in await _both(world, "alice", limit=1)] == [kept.id]
    assert [p for _, p, _ in await _both(world, "alice", limit=2)] == [kept.id]
    async with world.svc.sessions.begin() as session:
        await account_removal.erase(session, world.id("bob"))
    assert await world.feed("alice") == []  # the posts went, and their rows with them


async def test_a_feed_is_trimmed_and_older_pages_come_from_the_posts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home_feed, "CAP", 5)
    monkeypatch.setattr(home_feed, "TRIM_EVERY", 1)
    await world.follow("alice", "carol")
    made = [await world.post("carol") for _ in range(9)]
    kept = await world.feed("alice")
    assert [p for _, p, _ in kept] == [p.id for p in made[::-1][:5]]
    assert await world.complete_from("alice") == made[4].id
    everything = await _both(world, "alice", limit=20)
    assert [p for _, p, _ in everything] == [p.id for p in made[::-1]]
    for size in (1, 2, 3, 4, 7):  # pages across the feed's end
        assert await _walk_down(world, "alice", size) == everything
        assert await _walk_up(world, "alice", size) == everything
    assert await _both(world, "alice", limit=3, since_id=made[2].id) == everything[:3]
    assert await _both(world, "alice", limit=3, min_id=made[2].id) == everything[3:6]


Page = Callable[..., Awaitable[list[tuple[int, int, int | None]]]]


async def _walk_down(world: World, reader: str, size: int) -> list[tuple[int, int, int | None]]:
    walked: list[tuple[int, int, int | None]] = []
    max_id = None
    while page := await _both(world, reader, limit=size, max_id=max_id):
        walked += page
        max_id = page[-1][0]
    return walked


async def _walk_up(world: World, reader: str, size: int) -> list[tuple[int, int, int | None]]:
    walked: list[tuple[int, int, int | None]] = []
    min_id = 0
    while page := await _both(world, reader, limit=size, min_id=min_id):
        walked = page + walked
        min_id = page[0][0]
    return walked


async def _random_world(world: World, rng: random.Random) -> None:
    await world.add_accounts(("erin", None), ("frank", "other.test"), ("grace", "other.test"))
    names = list(world.accounts)
    local = [n for n in names if world.accounts[n].domain is None]
    for _ in range(150):
        roll = rng.random()
        who = rng.choice(names)
        other = rng.choice([n for n in names if n != who])
        if roll < 0.35:
            visibility = rng.choice(["public", "public", "unlisted", "private", "direct"])
            mentions = tuple(rng.sample(local, rng.randint(0, 1)))
            minute = rng.randint(-50, world.clock) if rng.random() < 0.3 else None
            await world.post(who, visibility=visibility, mentions=mentions, minute=minute)
        elif roll < 0.55 and world.posts:
            post = rng.choice(world.posts)
            if post.visibility in ("public", "unlisted"):
                await world.boost(who, post)
        elif roll < 0.75:
            await world.follow(who, other, rng.choice(["accepted", "accepted", "pending"]))
        elif roll < 0.82:
            await world.accept(who, other)
        elif roll < 0.88:
            await world.unfollow(who, other)
        elif roll < 0.91:
            await world.block(who, other)
        elif world.posts:
            await world.delete(rng.choice(world.posts))


@pytest.mark.parametrize("cap", [800, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_feed_pages_as_the_query_on_random_worlds(
    world: World, monkeypatch: pytest.MonkeyPatch, cap: int, seed: int
) -> None:
    monkeypatch.setattr(home_feed, "CAP", cap)
    monkeypatch.setattr(home_feed, "BACKFILL", min(cap, 400))
    monkeypatch.setattr(home_feed, "TRIM_EVERY", 1 if cap < 800 else 32)
    if cap == 800:  # a whole feed answers alone: the query is never asked
        monkeypatch.setattr(home_reads, "home_candidates", _never)
    rng = random.Random(seed)
    await _random_world(world, rng)
    readers = [n for n, a in world.accounts.items() if a.domain is None]
    floors = [await world.complete_from(reader) for reader in readers]
    assert all(floors) if cap < 800 else not any(floors)  # trimmed feeds: pages below them
    for reader in readers:
        everything = await _both(world, reader, limit=200)
        for size in (1, 3, 5):  # every page checked against the query's (a post boosted
            # again shows on each page it is newest on: pages of different sizes differ)
            assert {key[1] for key in await _walk_down(world, reader, size)} == {
                key[1] for key in everything
            }
            await _walk_up(world, reader, size)
        for entry_id, *_ in rng.sample(everything, min(4, len(everything))):
            await _both(world, reader, limit=3, since_id=entry_id)
            await _both(world, reader, limit=3, min_id=entry_id)
            await _both(world, reader, limit=3, max_id=entry_id)
    async with world.svc.sessions.begin() as session:  # as an upgrade or a bench builds them
        await session.run_sync(lambda s: _rebuild(s.connection(), [world.id(r) for r in readers]))
    for reader in readers:
        await _walk_down(world, reader, 3)


def _rebuild(conn: Connection, reader_ids: list[int]) -> None:
    for reader_id in reader_ids:
        home_feed.rebuild(conn, reader_id)


async def _never(session: AsyncSession, account_id: int, window: object) -> list[Entry]:
    raise AssertionError("the feed was whole: no page needs the posts' query")


async def test_a_remote_reader_has_no_feed(world: World) -> None:
    await world.follow("carol", "alice")
    await world.post("alice")
    await world.boost("carol", world.posts[0])
    assert await world.feed("carol") == []
    async with world.svc.reads() as session:
        follow = await session.scalar(select(Follow).where(Follow.follower_id == world.id("carol")))
    assert follow is not None and follow.state == "accepted"


async def test_feeds_are_trimmed_now_and_then_as_posts_arrive(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not on every post (by default one in TRIM_EVERY, by the ids' random low bits): a feed
    stays within a few dozen entries of its cap. (A run of 250 posts with no trim at all has
    a chance of (31/32)^250, 0.04 %.)"""
    monkeypatch.setattr(home_feed, "CAP", 5)
    await world.follow("alice", "bob")
    for _ in range(300):
        await world.post("bob")
    assert 5 <= len(await world.feed("alice")) <= 5 + 250
    assert await world.complete_from("alice") > 0
