"""Mastodon.py against a running `impasto serve`: statuses posted with each visibility and who
may read them, an edit with its source and history, bookmarks and favourites. bob follows
alice; carl follows nobody."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError
from mastodon.return_types import Status, StatusEdit, StatusSource

from tests.support.databases import DatabaseFactory, backends
from tests.support.servers import Server, free_port, run_cli, write_config


@dataclass(frozen=True)
class World:
    """The running server and the users' tokens (read write follow)."""

    server: Server
    alice: str
    bob: str
    carl: str


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("mastodon_py_statuses")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(tmp / "config.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    for name in ("alice", "bob", "carl"):
        run_cli(config, "user", "create", name)
    run_cli(config, "follow", "bob", "alice")
    tokens = [
        run_cli(config, "token", "create", name, "--scopes", "read", "write", "follow").strip()
        for name in ("alice", "bob", "carl")
    ]
    running = Server(config, port, tmp / "server.log").start()
    yield World(running, *tokens)
    running.stop()
    databases.drop_all()


def _api(world: World, token: str) -> Mastodon:
    return Mastodon(
        access_token=token, api_base_url=world.server.base, version_check_mode="created"
    )


def test_a_followers_only_status(world: World) -> None:
    alice, bob, carl = (_api(world, t) for t in (world.alice, world.bob, world.carl))
    made = alice.status_post("/paint a secret garden", visibility="private")
    assert isinstance(made, Status) and made.visibility == "private"
    assert bob.status(made.id).id == made.id
    assert made.id in [s.id for s in bob.timeline_home()]
    with pytest.raises(MastodonNotFoundError):
        carl.status(made.id)
    assert made.id not in [s.id for s in carl.timeline_public()]
    with pytest.raises(MastodonAPIError):
        bob.status_reblog(made.id)  # followers-only posts cannot be boosted


def test_unlisted_and_direct_statuses(world: World) -> None:
    alice, bob, carl = (_api(world, t) for t in (world.alice, world.bob, world.carl))
    quiet = alice.status_post("/paint a quiet harbour", visibility="unlisted")
    assert quiet.visibility == "unlisted" and carl.status(quiet.id).id == quiet.id
    assert quiet.id not in [s.id for s in carl.timeline_public()]
    assert quiet.id in [s.id for s in carl.account_statuses(quiet.account.id)]
    letter = alice.status_post("/paint a letter\nfor @carl", visibility="direct")
    assert letter.visibility == "direct" and carl.status(letter.id).id == letter.id
    with pytest.raises(MastodonNotFoundError):
        bob.status(letter.id)  # a follower, not mentioned


def test_edit_source_and_history(world: World) -> None:
    alice = _api(world, world.alice)
    made = alice.status_post("/paint a windmill\nin the fields")
    source = alice.status_source(made.id)
    assert isinstance(source, StatusSource)
    assert (source.text, source.spoiler_text) == ("/paint a windmill\nin the fields", "")
    picture = made.media_attachments[0]
    edited = alice.status_update(
        made.id,
        "/paint a windmill\nin the golden fields",
        spoiler_text="bright",
        media_attributes=[alice.generate_media_edit_attributes(picture.id, "A red windmill")],
    )
    assert edited.edited_at is not None and "golden fields" in edited.content
    assert edited.spoiler_text == "bright" and edited.sensitive
    assert edited.media_attachments[0].description == "A red windmill"
    assert alice.status_source(made.id).text == "/paint a windmill\nin the golden fields"
    [version] = alice.status_history(made.id)
    assert isinstance(version, StatusEdit) and version.content == edited.content
    with pytest.raises(MastodonNotFoundError):
        _api(world, world.bob).status_update(made.id, "not mine")
    with pytest.raises(MastodonAPIError):
        alice.status_update(made.id, "/paint a castle\nin the golden fields")


def test_bookmarks_and_favourites(world: World) -> None:
    alice, carl = _api(world, world.alice), _api(world, world.carl)
    first = alice.status_post("/paint a red kite")
    second = alice.status_post("/paint a blue kite")
    for post in (first, second):
        assert carl.status_bookmark(post.id).bookmarked
    assert [s.id for s in carl.bookmarks()] == [second.id, first.id]
    page = carl.bookmarks(limit=1)
    assert [s.id for s in page] == [second.id]
    assert [s.id for s in carl.fetch_next(page) or []] == [first.id]
    assert not carl.status_unbookmark(second.id).bookmarked
    assert [s.id for s in carl.bookmarks()] == [first.id]
    assert alice.bookmarks() == []
    carl.status_favourite(first.id)
    carl.status_favourite(second.id)
    assert [s.id for s in carl.favourites()] == [second.id, first.id]
    assert all(s.favourited for s in carl.favourites())
