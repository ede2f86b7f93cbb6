"""Mastodon.py against a running `impasto serve`, acting: favourite, reblog, pin, delete,
follow and unfollow between two local users, follow requests of a locked account, blocks, and
`/paint PROMPT` statuses (with an Idempotency-Key). Each test leaves the scene as it found it
or works on what it made itself. Methods are called in "created" mode (see
test_mastodon_py_reads.py for why)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from mastodon import Mastodon
from mastodon.return_types import Relationship, Status

from tests.support.api_scene import post_id
from tests.support.databases import DatabaseFactory, backends
from tests.support.servers import Server, free_port, run_cli, write_config


@dataclass(frozen=True)
class World:
    """The running server, tokens, and the post acted on."""

    server: Server
    alice: str  # read write
    bob: str  # read write
    dora: str  # read write; approves followers by hand
    fox: int  # bob's post


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """alice, bob and a locked dora; a post of bob's; their tokens."""
    tmp = tmp_path_factory.mktemp("mastodon_py_writes")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(tmp / "config.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    for name in ("alice", "bob"):
        run_cli(config, "user", "create", name)
    run_cli(config, "user", "create", "dora", "--manual-approval")
    fox = post_id(run_cli(config, "post", "bob", "a fox in the snow"))
    tokens = [
        run_cli(config, "token", "create", name, "--scopes", "read", "write").strip()
        for name in ("alice", "bob", "dora")
    ]
    running = Server(config, port, tmp / "server.log").start()
    yield World(running, *tokens, fox=fox)
    running.stop()
    databases.drop_all()


def _api(world: World, token: str) -> Mastodon:
    return Mastodon(
        access_token=token, api_base_url=world.server.base, version_check_mode="created"
    )


def _id_of(world: World, name: str) -> str:
    return str(_api(world, world.alice).account_lookup(name).id)


def test_favourite_and_unfavourite(world: World) -> None:
    api = _api(world, world.alice)
    liked = api.status_favourite(world.fox)
    assert isinstance(liked, Status) and liked.favourited and liked.favourites_count == 1
    undone = api.status_unfavourite(world.fox)
    assert not undone.favourited and undone.favourites_count == 0


def test_reblog_and_unreblog(world: World) -> None:
    api = _api(world, world.alice)
    boost = api.status_reblog(world.fox)
    assert isinstance(boost, Status) and boost.reblog is not None
    assert int(boost.reblog.id) == world.fox
    assert boost.account.username == "alice"
    undone = api.status_unreblog(world.fox)
    assert int(undone.id) == world.fox and not undone.reblogged


def test_pin(world: World) -> None:
    api = _api(world, world.bob)
    pinned = api.status_pin(world.fox)
    assert pinned.pinned is True
    assert api.status_unpin(world.fox).pinned is False


def test_follow_and_unfollow(world: World) -> None:
    api = _api(world, world.alice)
    bob = _id_of(world, "bob")
    followed = api.account_follow(bob)
    assert isinstance(followed, Relationship) and followed.following
    assert not api.account_unfollow(bob).following


def test_follow_requests_of_a_locked_account(world: World) -> None:
    dora = _id_of(world, "dora")
    asked = _api(world, world.alice).account_follow(dora)
    assert asked.requested and not asked.following
    api = _api(world, world.dora)
    (asking,) = api.follow_requests()
    assert asking.username == "alice"
    accepted = api.follow_request_authorize(asking.id)
    assert accepted.followed_by
    assert api.follow_requests() == []
    assert _api(world, world.alice).account_unfollow(dora).following is False


def test_block(world: World) -> None:
    api = _api(world, world.bob)
    dora = _id_of(world, "dora")
    assert api.account_block(dora).blocking
    assert [account.username for account in api.blocks()] == ["dora"]
    assert not api.account_unblock(dora).blocking


def test_paint_and_delete(world: World) -> None:
    api = _api(world, world.alice)
    made = api.status_post("/paint a lighthouse at dusk")
    (picture,) = made.media_attachments
    assert picture.type == "image" and "a lighthouse at dusk" in picture.description
    deleted = api.status_delete(made.id)
    assert deleted.id == made.id and deleted.text == "/paint a lighthouse at dusk"


def test_an_idempotency_key_gives_one_post(world: World) -> None:
    api = _api(world, world.alice)
    me = api.account_verify_credentials()
    before = me.statuses_count
    first = api.status_post("/paint a boat at sea", idempotency_key="boat-1")
    again = api.status_post("/paint a boat at sea", idempotency_key="boat-1")
    assert first.id == again.id
    assert api.account_verify_credentials().statuses_count == before + 1
