"""Mastodon.py, a real Mastodon client library, against a running `impasto serve`: it accepts
the version we claim and parses every instance field without an error.

One server for the module. Mastodon.py's "changed" version check refuses a method whose
parameters or return type changed in a Mastodon release newer than the server's: as for a real
Mastodon 4.2, it refuses instance_v2() and instance() (its InstanceV2 type was last changed in
4.6.0); those are read in "created" mode too, which only asks that the method exists in 4.2."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonVersionError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.databases import DatabaseFactory, backends
from tests.support.inspect import query
from tests.support.mastodon_shapes import assert_shape
from tests.support.rows import account
from tests.support.servers import Server, free_port, run_cli, write_config

RULES = ["Mark pictures some would rather not see as sensitive.", "Be kind."]


@pytest.fixture(scope="module", params=backends())
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """`impasto serve` with alice, one post of hers, a known remote account, rules, a contact."""
    tmp = tmp_path_factory.mktemp("mastodon_py")
    databases = DatabaseFactory(request.param, tmp)
    port = free_port()
    config = write_config(
        tmp / "config.toml",
        port=port,
        database_url=databases.new_url(),
        instance={"rules": RULES, "contact_email": "admin@example.org"},
    )
    run_cli(config, "init")
    run_cli(config, "user", "create", "alice")
    run_cli(config, "post", "alice", "a lighthouse on a cliff at sunset")

    async def remote(session: AsyncSession) -> None:
        session.add(account("https://b.example/users/bob", "bob", "b.example"))
        await session.commit()

    query(config, remote, write=True)
    running = Server(config, port, tmp / "server.log").start()
    yield running
    running.stop()
    databases.drop_all()


def _client(server: Server, mode: str = "changed") -> Mastodon:
    return Mastodon(api_base_url=server.base, version_check_mode=mode)


def test_the_version_is_read_as_mastodon_4_2(server: Server) -> None:
    api = _client(server)
    assert api.retrieve_mastodon_version() == "4.2.0"
    assert api.verify_minimum_version("4.2.0", cached=True)
    assert not api.verify_minimum_version("4.3.0", cached=True)


def test_instance_v1(server: Server) -> None:
    instance = _client(server).instance_v1()
    assert instance.version == "4.2.0 (compatible; Impasto 0.1.0)"
    assert instance.stats.user_count == 1
    assert instance.stats.status_count == 1
    assert instance.stats.domain_count == 1
    assert instance.urls.streaming_api == f"ws://127.0.0.1:{server.port}"
    assert instance.configuration.statuses.max_media_attachments == 4
    assert [rule.text for rule in instance.rules] == RULES
    assert instance.email == "admin@example.org"
    _parsed_whole(server.get("/api/v1/instance/"), instance)
    assert_shape(server.get("/api/v1/instance/"), "instance_v1")


def test_instance_v2_is_refused_in_changed_mode_as_for_mastodon_4_2(server: Server) -> None:
    with pytest.raises(MastodonVersionError):
        _client(server).instance_v2()
    with pytest.raises(MastodonVersionError):
        _client(server).instance()  # v2 from 4.0.0 on


def test_instance_v2(server: Server) -> None:
    api = _client(server, "created")
    for instance in (api.instance_v2(), api.instance()):
        assert instance.domain == f"127.0.0.1:{server.port}"
        assert instance.configuration.urls.streaming == f"ws://127.0.0.1:{server.port}"
        assert instance.configuration.statuses.max_characters == 500
        assert instance.configuration.media_attachments.image_size_limit == 16 * 1024 * 1024
        assert instance.contact.email == "admin@example.org"
        assert instance.contact.account is None
        assert instance.registrations.enabled is False
        assert instance.api_versions.mastodon == 1
        assert instance.usage.users.active_month == 1
        assert [rule.text for rule in instance.rules] == RULES
        _parsed_whole(server.get("/api/v2/instance/"), instance)
    assert_shape(server.get("/api/v2/instance/"), "instance_v2")


def test_peers_activity_and_empty_lists(server: Server) -> None:
    api = _client(server)
    assert api.instance_peers() == ["b.example"]
    weeks = api.instance_activity()
    assert len(weeks) == 12
    assert weeks[0].statuses == 1 and weeks[0].registrations == 1  # Mastodon.py makes ints
    assert api.custom_emojis() == []
    assert api.instance_rules()[1].text == "Be kind."
    assert api.trending_tags() == []


def _parsed_whole(raw: Any, parsed: Any, where: str = "$") -> None:
    """Every attribute we sent is in what Mastodon.py made of it (it adds the ones it knows
    and we do not send, as None; datetimes and counts it converts)."""
    if isinstance(raw, dict):
        assert isinstance(parsed, dict), where
        for key, item in raw.items():
            assert key in parsed, f"{where}.{key} lost"
            _parsed_whole(item, parsed[key], f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(parsed, list) and len(parsed) == len(raw), where
        for index, (item, out) in enumerate(zip(raw, parsed, strict=True)):
            _parsed_whole(item, out, f"{where}[{index}]")
    elif raw is None:
        assert parsed is None, where
