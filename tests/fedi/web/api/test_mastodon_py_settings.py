"""Mastodon.py against a running `impasto serve`: a user changes their profile (name, bio,
fields, avatar and header, posting defaults), saves and reads markers, reads preferences,
blocks and unblocks a server for themselves; the rate-limit headers reach the client."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from mastodon import Mastodon
from PIL import Image

from tests.support.databases import DatabaseFactory, backends
from tests.support.servers import Server, free_port, run_cli, write_config


@dataclass(frozen=True)
class World:
    """The running server and alice's token."""

    server: Server
    alice: str  # read write follow


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """alice on a running server, with a token."""
    tmp = tmp_path_factory.mktemp("mastodon_py_settings")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(tmp / "config.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    run_cli(config, "user", "create", "alice")
    token = run_cli(
        config, "token", "create", "alice", "--scopes", "read", "write", "follow"
    ).strip()
    running = Server(config, port, tmp / "server.log").start()
    yield World(running, token)
    running.stop()
    databases.drop_all()


def _api(world: World) -> Mastodon:
    return Mastodon(
        access_token=world.alice, api_base_url=world.server.base, version_check_mode="created"
    )


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(out, "PNG")
    return out.getvalue()


def test_update_credentials(world: World) -> None:
    api = _api(world)
    me = api.account_update_credentials(
        display_name="Alice P.",
        note="Painter of #sea things",
        fields=[("Site", "https://alice.example"), ("Pronouns", "she/her")],
        avatar=_png(600, 600),
        avatar_mime_type="image/png",
        header=_png(1600, 500),
        header_mime_type="image/png",
        locked=True,
        default_privacy="unlisted",
        default_language="en",
    )
    assert (me.display_name, me.locked, me.source.privacy) == ("Alice P.", True, "unlisted")
    assert me.source.note == "Painter of #sea things" and "hashtag" in me.note
    assert [(f.name, f.value) for f in me.source.fields] == [
        ("Site", "https://alice.example"),
        ("Pronouns", "she/her"),
    ]
    for url in (me.avatar, me.header):
        assert "missing.png" not in url
        picture = httpx.get(url)
        assert picture.status_code == 200
        with Image.open(io.BytesIO(picture.content)) as image:
            assert max(image.size) <= 1500
    again = api.account_verify_credentials()
    assert again.header == me.header and again.display_name == "Alice P."
    prefs = api.preferences()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:language"] == "en"


def test_markers(world: World) -> None:
    api = _api(world)
    saved = api.markers_set(["home", "notifications"], [111, 222])
    assert saved.home.last_read_id == "111" and saved.notifications.version == 1
    read = api.markers_get(["home", "notifications"])
    assert (read.home.last_read_id, read.notifications.last_read_id) == ("111", "222")
    moved = api.markers_set(["home"], [333])
    assert moved.home.version == 2


def test_domain_blocks(world: World) -> None:
    api = _api(world)
    api.domain_block("spam.example")
    api.domain_block("other.example")
    assert list(api.domain_blocks()) == ["other.example", "spam.example"]
    api.domain_unblock("spam.example")
    assert list(api.domain_blocks()) == ["other.example"]


def test_rate_limit_headers_reach_the_client(world: World) -> None:
    api = _api(world)
    api.account_verify_credentials()
    first = api.ratelimit_remaining
    api.account_verify_credentials()
    assert api.ratelimit_limit == 300
    assert api.ratelimit_remaining == first - 1
    assert api.ratelimit_reset > api.ratelimit_lastcall
