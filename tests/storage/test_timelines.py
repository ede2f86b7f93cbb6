"""Timelines in storage: home (own posts, followed accounts' posts, boosts), local and
federated, in publishing order whatever the order rows arrived in, paged without skipping or
repeating, and never showing what is deleted, blocked or from a blocked server."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from storage import timelines
from storage.ids import new_id
from storage.models import Account, Block, DomainBlock, Follow, Mention, Post, Reaction
from storage.timelines import Entry

T0 = 1_790_000_000_000  # epoch milliseconds of minute 0

Read = Callable[..., Awaitable[list[Entry]]]


@pytest.fixture(params=["sorted", "walked"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a home page is read: the home accounts' rows sorted, or the id index walked."""
    monkeypatch.setattr(timelines, "PROBE", 10**9 if request.param == "sorted" else 1)
    return str(request.param)


def _at(minute: int) -> int:
    return new_id(at_ms=T0 + minute * 60_000)


def _label(entry: Entry) -> str:
    if entry.booster is not None:
        return f"{entry.booster.username} boosted {entry.post.content_html}"
    return entry.post.content_html


@dataclass
class World:
    """Accounts by name and the rows to insert (in a scrambled order)."""

    accounts: dict[str, Account] = field(default_factory=dict)
    rows: list[object] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)

    def account(self, name: str, domain: str | None = None) -> Account:
        host = domain or "here.test"
        account = Account(
            id=new_id(),
            uri=f"http://{host}/users/{name}",
            username=name,
            domain=domain,
            inbox_url=f"http://{host}/users/{name}/inbox",
            public_key_id=f"http://{host}/users/{name}#main-key",
            public_key_pem="pem",
        )
        self.accounts[name] = account
        return account

    def post(self, author: str, minute: int, text: str, **fields: object) -> None:
        account = self.accounts[author]
        published = datetime.fromtimestamp((T0 + minute * 60_000) / 1000, UTC)
        post = Post(
            id=_at(minute),
            uri=f"{account.uri}/statuses/{minute}",
            account_id=account.id,
            local=account.domain is None,
            content_html=text,
            published_at=published,
            **fields,
        )
        self.posts[text] = post
        self.rows.append(post)

    def react(self, who: str, text: str, minute: int, kind: str = "announce") -> None:
        account = self.accounts[who]
        self.rows.append(
            Reaction(
                id=_at(minute),
                kind=kind,
                uri=f"{account.uri}/{kind}/{minute}",
                account_id=account.id,
                post_id=self.posts[text].id,
            )
        )

    def relate(self, row: Follow | Block) -> None:
        self.rows.append(row)


def _world() -> World:
    w = World()
    me, friend = w.account("me"), w.account("friend", "peer.test")
    waiting = w.account("waiting", "peer.test")
    w.account("stranger", "peer.test")
    w.account("neighbour")
    pest, evil = w.account("pest", "peer.test"), w.account("evil", "evil.test")
    for target, state in ((friend, "accepted"), (waiting, "pending"), (pest, "accepted")):
        w.relate(
            Follow(
                uri=f"{me.uri}/follows/{target.username}",
                follower_id=me.id,
                target_id=target.id,
                state=state,
            )
        )
    w.relate(
        Follow(uri=f"{me.uri}/follows/evil", follower_id=me.id, target_id=evil.id, state="accepted")
    )
    w.relate(Block(uri=f"{me.uri}/blocks/pest", account_id=me.id, target_id=pest.id))
    gone = datetime.fromtimestamp(T0 / 1000 + 99_999, UTC)
    w.post("me", 1, "me 1")
    w.post("friend", 2, "friend 2")
    w.post("waiting", 3, "waiting 3")
    w.post("stranger", 4, "stranger 4")
    w.post("me", 5, "me 5")
    w.post("stranger", 6, "stranger unlisted", visibility="unlisted")
    w.post("friend", 7, "friend 7")
    w.post("friend", 8, "friend deleted", deleted_at=gone)
    w.post("neighbour", 9, "neighbour 9")
    w.post("neighbour", 10, "neighbour unlisted", visibility="unlisted")
    w.post("pest", 11, "pest 11")
    w.post("evil", 12, "evil 12")
    w.post("neighbour", 19, "neighbour deleted", deleted_at=gone)
    w.react("friend", "stranger 4", 13)
    w.react("me", "neighbour 9", 14)
    w.react("friend", "pest 11", 15)  # a blocked author
    w.react("friend", "evil 12", 16)  # a blocked server
    w.react("pest", "friend 2", 17)  # a blocked booster
    w.react("friend", "neighbour deleted", 20)
    w.react("stranger", "me 1", 21)  # not followed
    w.react("friend", "me 5", 22, kind="like")
    return w


async def _fill(svc: Services) -> World:
    world = _world()
    rows = world.rows[:]
    random.Random(4).shuffle(rows)  # arrival order must not matter
    async with svc.sessions.begin() as session:
        session.add_all(world.accounts.values())
        await session.flush()
        session.add(DomainBlock(domain="evil.test"))
        posts = [row for row in rows if isinstance(row, Post)]
        session.add_all(posts)
        await session.flush()
        session.add_all([row for row in rows if not isinstance(row, Post)])
    return world


HOME = [
    "me boosted neighbour 9",
    "friend boosted stranger 4",
    "friend 7",
    "me 5",
    "friend 2",
    "me 1",
]
LOCAL = ["neighbour 9", "me 5", "me 1"]
FEDERATED = ["neighbour 9", "friend 7", "me 5", "stranger 4", "waiting 3", "friend 2", "me 1"]


async def test_home_local_and_federated_contents_and_order(svc: Services, plan: str) -> None:
    world = await _fill(svc)
    me = world.accounts["me"].id
    async with svc.reads() as session:
        home = await timelines.home(session, me, limit=50)
        assert [_label(e) for e in home] == HOME
        assert [_label(e) for e in await timelines.local(session, me, limit=50)] == LOCAL
        federated = await timelines.federated(session, me, limit=50)
        assert [_label(e) for e in federated] == FEDERATED
        # Without a viewer only the server's blocks apply.
        anonymous = await timelines.federated(session, None, limit=50)
        assert [_label(e) for e in anonymous] == ["pest 11", *FEDERATED]
    boost = home[1]
    assert boost.id != boost.post.id and boost.author.username == "stranger"
    assert boost.booster is not None and boost.booster.username == "friend"
    assert [e.post.id for e in home[2:]] == [e.id for e in home[2:]]


async def _walk_down(session: AsyncSession, read: Read, viewer: int, size: int) -> list[int]:
    seen: list[int] = []
    max_id = None
    while page := await read(session, viewer, limit=size, max_id=max_id):
        assert len(page) <= size
        seen += [entry.id for entry in page]
        max_id = page[-1].id
    return seen


async def _walk_up(session: AsyncSession, read: Read, viewer: int, size: int) -> list[int]:
    seen: list[int] = []
    min_id = 0
    while page := await read(session, viewer, limit=size, min_id=min_id):
        ids = [entry.id for entry in page]
        assert ids == sorted(ids, reverse=True)  # every page newest first
        seen = ids + seen
        min_id = ids[0]
    return seen


@pytest.mark.parametrize("name", ["home", "local", "federated"])
async def test_paging_neither_skips_nor_repeats(svc: Services, name: str, plan: str) -> None:
    world = await _fill(svc)
    me = world.accounts["me"].id
    read: Read = getattr(timelines, name)
    async with svc.reads() as session:
        everything = [entry.id for entry in await read(session, me, limit=50)]
        assert len(everything) >= 3
        for size in (1, 2, 4):
            assert await _walk_down(session, read, me, size) == everything
            assert await _walk_up(session, read, me, size) == everything
        # Mastodon's since_id: the newest entries above an id; min_id: the ones right above it.
        below = everything[-1]
        since = await read(session, me, limit=2, since_id=below)
        assert [entry.id for entry in since] == everything[:2]
        right_above = await read(session, me, limit=2, min_id=below)
        assert [entry.id for entry in right_above] == everything[-3:-1]
        between = await read(session, me, limit=50, max_id=everything[0], since_id=below)
        assert [entry.id for entry in between] == everything[1:-1]


async def test_a_post_arriving_while_paging_down_is_neither_repeated_nor_skipped(
    svc: Services, plan: str
) -> None:
    world = await _fill(svc)
    me = world.accounts["me"]
    async with svc.reads() as session:
        first = await timelines.home(session, me.id, limit=3)
    newest = world.posts["me 5"]
    async with svc.sessions.begin() as session:
        # Arrives late with an old publishing time (a remote post delivered late) and new.
        session.add(
            Post(id=_at(30), uri=f"{me.uri}/statuses/30", account_id=me.id, content_html="me 30")
        )
        session.add(
            Post(
                id=newest.id - 1,
                uri=f"{me.uri}/statuses/late",
                account_id=me.id,
                content_html="me late",
            )
        )
    async with svc.reads() as session:
        rest = await timelines.home(session, me.id, limit=50, max_id=first[-1].id)
        newer = await timelines.home(session, me.id, limit=50, min_id=first[0].id)
    assert [_label(e) for e in first] == HOME[:3]
    assert [_label(e) for e in rest] == ["me 5", "me late", "friend 2", "me 1"]
    assert [_label(e) for e in newer] == ["me 30"]


async def test_followers_only_and_direct_posts_reach_only_their_readers(
    svc: Services, plan: str
) -> None:
    """Mastodon's visibilities: a followed account's followers-only posts are in home; a direct
    one only if it mentions the reader; neither shows in public timelines or can be boosted."""
    world = await _fill(svc)
    me, friend = world.accounts["me"], world.accounts["friend"]
    stranger = world.accounts["stranger"]
    rows = World(accounts=world.accounts)
    rows.post("friend", 23, "friend followers-only", visibility="private")
    rows.post("friend", 24, "friend direct to me", visibility="direct")
    rows.post("friend", 25, "friend direct to another", visibility="direct")
    rows.post("stranger", 26, "stranger followers-only", visibility="private")
    async with svc.sessions.begin() as session:
        session.add_all(rows.posts.values())
        await session.flush()
        session.add(Mention(post_id=rows.posts["friend direct to me"].id, account_id=me.id))
        rows.rows.clear()
        rows.react("friend", "stranger followers-only", 27)  # not boostable: not shown
        session.add_all(rows.rows)
    async with svc.reads() as session:
        home = [_label(e) for e in await timelines.home(session, me.id, limit=50)]
        federated = await timelines.federated(session, me.id, limit=50)
        strangers = await timelines.home(session, stranger.id, limit=50)
        friends = await timelines.home(session, friend.id, limit=50)
    assert home == ["friend direct to me", "friend followers-only", *HOME]
    assert [_label(e) for e in federated] == FEDERATED
    assert "stranger followers-only" in [_label(e) for e in strangers]  # their own
    assert {"friend direct to me", "friend direct to another"} <= {_label(e) for e in friends}


async def test_home_shows_a_post_once_a_page_by_its_newest_entry(svc: Services, plan: str) -> None:
    """A boost of a post already in home, a second boost of a boosted post and a boost of
    one's own post each fold into the newest entry of their post; paged in any size, each
    page still shows a post once, and the only entries a walk leaves out are those folded
    into a newer entry of their post on the page that read past them."""
    world = await _fill(svc)
    me = world.accounts["me"].id
    more = World(accounts=world.accounts, posts=world.posts)
    more.react("friend", "me 1", 30)  # a post of one's own, boosted by a followed account
    more.react("me", "stranger 4", 31)  # boosted again, by another booster
    more.react("friend", "friend 7", 32)  # a followed account's own post, boosted by it
    async with svc.sessions.begin() as session:
        session.add_all(more.rows)
    boosted = ("announce/13", "announce/14", "announce/30", "announce/31", "announce/32")
    async with svc.reads() as session:
        page = await timelines.home(session, me, limit=50)
        assert [_label(e) for e in page] == [
            "friend boosted friend 7",
            "me boosted stranger 4",
            "friend boosted me 1",
            "me boosted neighbour 9",
            "me 5",
            "friend 2",
        ]
        # Every home entry, folded or not (four posts, five boosts), with its post's id.
        posted = ("me 1", "friend 2", "me 5", "friend 7")
        every = {world.posts[text].id: world.posts[text].id for text in posted} | {
            row.id: row.post_id
            for row in world.rows + more.rows
            if isinstance(row, Reaction) and row.uri.endswith(tuple(f"/{m}" for m in boosted))
        }
        for size in (1, 2, 3, 4, 6):
            for walk in (await _pages_down(session, me, size), await _pages_up(session, me, size)):
                ids = [entry.id for part in walk for entry in part]
                assert ids == sorted(set(ids), reverse=True)  # no repeats, newest first
                for part in walk:
                    assert len({entry.post.id for entry in part}) == len(part) <= size
                for left_out in set(every) - set(ids):
                    assert _folded(left_out, every[left_out], walk)
        assert len(every) == 9 and {entry.id for entry in page} < set(every)


def _folded(entry_id: int, post_id: int, walk: list[list[Entry]]) -> bool:
    """Whether the page whose reach (between its neighbours) holds the entry shows its post
    by a newer entry."""
    for i, page in enumerate(walk):
        upper = walk[i - 1][-1].id if i > 0 else 2**63
        lower = walk[i + 1][0].id if i + 1 < len(walk) else 0
        if lower < entry_id < upper:
            return any(e.post.id == post_id and e.id > entry_id for e in page)
    return False


async def _pages_down(session: AsyncSession, viewer: int, size: int) -> list[list[Entry]]:
    pages, max_id = [], None
    while page := await timelines.home(session, viewer, limit=size, max_id=max_id):
        pages.append(page)
        max_id = page[-1].id
    return pages


async def _pages_up(session: AsyncSession, viewer: int, size: int) -> list[list[Entry]]:
    pages: list[list[Entry]] = []
    min_id = 0
    while page := await timelines.home(session, viewer, limit=size, min_id=min_id):
        pages.insert(0, page)
        min_id = page[0].id
    return pages
