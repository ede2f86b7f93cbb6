"""Mastodon.py against a running `impasto serve`, reading: accounts, statuses, a thread, the
timelines, notifications, and the next page by the Link header. Every entity it gets back is
parsed into its own type (datetimes as datetimes, nested entities as entities), and nothing we
send is lost on the way.

One server for the module. Mastodon.py's "changed" version check counts the last change of what
a method returns too (its Account type changed in 4.7.0, Status in 4.6.0), so against a server
that says it is 4.2 it refuses nearly every read, as it would for a real Mastodon 4.2; the
reads are made in "created" mode, which asks only that the method exists in 4.2 (as
test_mastodon_py.py reads instance_v2())."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError, MastodonVersionError
from mastodon.return_types import (
    Account,
    Context,
    MediaAttachment,
    Notification,
    Relationship,
    Status,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MediaAttachment as MediaRow
from storage.models import Post
from tests.support.api_scene import CAROL, CAROL_POST, post_id
from tests.support.databases import DatabaseFactory, backends
from tests.support.inspect import query
from tests.support.rows import account
from tests.support.servers import Server, free_port, run_cli, write_config


@dataclass(frozen=True)
class World:
    """The running server, tokens, and the ids of what it holds."""

    server: Server
    alice: str  # read write token
    bob: str  # read token
    lighthouse: int  # alice's: #sea, mentions bob; liked and boosted by bob
    reply: int  # bob's answer
    alices: list[int]  # all of alice's posts, newest first


async def _remote(session: AsyncSession) -> None:
    carol = account(CAROL, "carol", "c.example", url="https://c.example/@carol")
    session.add(carol)
    await session.flush()
    post = Post(
        uri=CAROL_POST, account_id=carol.id, local=False, content_html="<p>Hello from afar</p>"
    )
    session.add(post)
    await session.flush()
    session.add(
        MediaRow(
            post_id=post.id,
            account_id=carol.id,
            remote_url="https://c.example/media/1.png",
            media_type="image/png",
            description="A red square",
        )
    )
    await session.commit()


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """alice and bob following each other; alice's pictures, bob's reply, like and boost."""
    tmp = tmp_path_factory.mktemp("mastodon_py_reads")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(tmp / "config.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    for name in ("alice", "bob"):
        run_cli(config, "user", "create", name)
    alices = [post_id(run_cli(config, "post", "alice", f"a boat, number {n}")) for n in range(3)]
    lighthouse = post_id(
        run_cli(config, "post", "alice", "a lighthouse", "--caption", "#sea for @bob")
    )
    reply = post_id(run_cli(config, "reply", "bob", str(lighthouse), "a fox"))
    run_cli(config, "follow", "alice", "bob")
    run_cli(config, "follow", "bob", "alice")
    run_cli(config, "like", "bob", str(lighthouse))
    run_cli(config, "boost", "bob", str(lighthouse))
    query(config, _remote, write=True)
    alice = run_cli(config, "token", "create", "alice", "--scopes", "read", "write").strip()
    bob = run_cli(config, "token", "create", "bob", "--scopes", "read").strip()
    running = Server(config, port, tmp / "server.log").start()
    yield World(running, alice, bob, lighthouse, reply, [lighthouse, *alices[::-1]])
    running.stop()
    databases.drop_all()


def _api(world: World, token: str | None = None, mode: str = "created") -> Mastodon:
    return Mastodon(access_token=token, api_base_url=world.server.base, version_check_mode=mode)


def _account(parsed: Any) -> None:
    assert isinstance(parsed, Account), type(parsed)
    assert isinstance(parsed.created_at, datetime)
    assert parsed.last_status_at is None or isinstance(parsed.last_status_at, datetime)


def _status(parsed: Any) -> None:
    """A Status parsed all the way down."""
    assert isinstance(parsed, Status), type(parsed)
    assert isinstance(parsed.created_at, datetime)
    _account(parsed.account)
    for media in parsed.media_attachments:
        assert isinstance(media, MediaAttachment)
    if parsed.reblog is not None:
        _status(parsed.reblog)


def _whole(raw: Any, parsed: Any, where: str = "$") -> None:
    """Every attribute we sent is in what Mastodon.py made of it."""
    if isinstance(raw, dict):
        assert isinstance(parsed, dict), where
        for key, item in raw.items():
            assert key in parsed, f"{where}.{key} lost"
            _whole(item, parsed[key], f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(parsed, list) and len(parsed) == len(raw), where
        for index, (item, out) in enumerate(zip(raw, parsed, strict=True)):
            _whole(item, out, f"{where}[{index}]")


def test_account_and_lookup(world: World) -> None:
    api = _api(world, world.alice)
    me = api.account_verify_credentials()
    found = api.account(me.id)
    _account(found)
    assert (found.acct, found.statuses_count, found.followers_count) == ("alice", 4, 1)
    bob = api.account_lookup("bob")
    _account(bob)
    assert bob.username == "bob"
    carol = api.account_lookup("carol@c.example")
    assert carol.acct == "carol@c.example" and carol.url == "https://c.example/@carol"
    with pytest.raises(MastodonNotFoundError):
        api.account_lookup("nobody")
    _whole(world.server.get(f"/api/v1/accounts/{me.id}"), found)


def test_relationships_and_follows(world: World) -> None:
    api = _api(world, world.alice)
    bob = api.account_lookup("bob")
    (rel,) = api.account_relationships(bob.id)
    assert isinstance(rel, Relationship)
    assert rel.following and rel.followed_by
    followers = api.account_followers(bob.id)
    assert [item.username for item in followers] == ["alice"]
    _account(followers[0])
    assert [item.username for item in api.account_following(bob.id)] == ["alice"]


def test_changed_mode_refuses_as_for_mastodon_4_2(world: World) -> None:
    api = _api(world, world.alice, "changed")
    for read in (api.account_verify_credentials, api.notifications):
        with pytest.raises(MastodonVersionError):
            read()


def test_account_statuses(world: World) -> None:
    api = _api(world, world.alice)
    alice = api.account_lookup("alice")
    found = api.account_statuses(alice.id, limit=2)
    assert [int(status.id) for status in found] == world.alices[:2]
    for status in found:
        _status(status)
    more = api.fetch_next(found)
    assert [int(status.id) for status in more] == world.alices[2:4]
    tagged = api.account_statuses(alice.id, tagged="sea")
    assert [int(status.id) for status in tagged] == [world.lighthouse]
    bob = api.account_lookup("bob")
    boosts = api.account_statuses(bob.id, exclude_replies=True)
    assert [int(status.reblog.id) for status in boosts] == [world.lighthouse]


def test_a_status_and_its_context(world: World) -> None:
    api = _api(world, world.bob)
    status = api.status(world.lighthouse)
    _status(status)
    assert "Prompt: a lighthouse" in status.content
    assert status.favourited and status.reblogged
    assert status.tags[0].name == "sea" and status.mentions[0].acct == "bob"
    assert status.media_attachments[0].description == "AI-generated image of: a lighthouse"
    _whole(
        world.server.get(f"/api/v1/statuses/{world.lighthouse}"),
        _api(world).status(world.lighthouse),
    )
    context = api.status_context(world.reply)
    assert isinstance(context, Context)
    assert [int(item.id) for item in context.ancestors] == [world.lighthouse]
    assert context.descendants == []
    _status(context.ancestors[0])
    assert [who.username for who in api.status_favourited_by(world.lighthouse)] == ["bob"]
    assert [who.username for who in api.status_reblogged_by(world.lighthouse)] == ["bob"]
    with pytest.raises(MastodonNotFoundError):
        api.status(1)


def test_timelines_and_the_next_page(world: World) -> None:
    api = _api(world, world.alice)
    home = api.timeline_home(limit=2)
    for status in home:
        _status(status)
    assert home[0].reblog is not None and int(home[0].reblog.id) == world.lighthouse
    assert int(home[1].id) == world.reply
    pages = [[int(status.id) for status in home]]
    while page := api.fetch_next(home):
        pages.append([int(status.id) for status in page])
        home = page
    # The lighthouse again, by its own (older) entry: storage.timelines.home shows a post once
    # a page, by its newest entry, so a boost on one page does not hide the post on the next.
    assert pages[1:] == [world.alices[0:2], world.alices[2:4]]
    public = api.timeline_public(local=True)
    assert [int(status.id) for status in public] == world.alices  # no replies, no boosts
    everything = api.timeline_public()
    assert everything[0].uri == CAROL_POST
    _status(everything[0])
    assert everything[0].media_attachments[0].remote_url == "https://c.example/media/1.png"
    tagged = api.timeline_hashtag("sea")
    assert [int(status.id) for status in tagged] == [world.lighthouse]
    previous = api.fetch_previous(api.timeline_public(local=True, max_id=world.alices[1]))
    assert [int(status.id) for status in previous] == world.alices[:2]  # above alices[2]


def test_notifications(world: World) -> None:
    api = _api(world, world.alice)
    found = api.notifications()
    assert [item.type for item in found] == ["reblog", "favourite", "follow", "mention"]
    for item in found:
        assert isinstance(item, Notification)
        assert isinstance(item.created_at, datetime)
        _account(item.account)
        if item.status is not None:
            _status(item.status)
    first = api.notifications(limit=1)
    assert len(first) == 1
    assert [item.type for item in api.fetch_next(first)] == ["favourite"]
    one = api.notifications(id=found[2].id)
    assert one.type == "follow"
    only = api.notifications(types=["mention"])
    assert [item.status.id for item in only] == [str(world.reply)]
