"""WebFinger resource parsing and the NodeInfo/host-meta documents."""

from __future__ import annotations

import pytest

from activitypub.discovery import (
    ResourceError,
    Usage,
    host_meta,
    nodeinfo,
    nodeinfo_links,
    parse_resource,
)


@pytest.mark.parametrize(
    ("resource", "username", "host"),
    [
        ("acct:alice@example.com", "alice", "example.com"),
        ("alice@Example.COM", "alice", "example.com"),
        ("acct:@alice@127.0.0.1:8010", "alice", "127.0.0.1:8010"),
        ("acct%3Aalice%40example.com", "alice", "example.com"),
    ],
)
def test_acct_resources(resource: str, username: str, host: str) -> None:
    parsed = parse_resource(resource)
    assert (parsed.username, parsed.host) == (username, host)


def test_actor_url_resource_is_normalised() -> None:
    assert parse_resource("HTTPS://Example.com:443/users/a").actor_url == (
        "https://example.com/users/a"
    )


@pytest.mark.parametrize(
    "resource",
    ["", "acct:", "acct:alice", "alice@", "@example.com", "acct:a@b@c", "acct:a b@c", "mailto:x"],
)
def test_malformed_resources(resource: str) -> None:
    with pytest.raises(ResourceError):
        parse_resource(resource)


def test_nodeinfo_shapes() -> None:
    usage = Usage(users=2, active_month=1, active_halfyear=2, local_posts=5)
    for version in ("2.0", "2.1"):
        doc = nodeinfo(version, software_version="0.1.0", usage=usage, name="n", description="d")
        assert doc["version"] == version
        assert doc["software"]["name"] == "impasto"
        assert doc["protocols"] == ["activitypub"]
        assert doc["usage"]["users"]["total"] == 2 and doc["usage"]["localPosts"] == 5
    links = nodeinfo_links("https://x.example")["links"]
    assert [link["href"] for link in links] == [
        "https://x.example/nodeinfo/2.0",
        "https://x.example/nodeinfo/2.1",
    ]


def test_host_meta_escapes_and_points_at_webfinger() -> None:
    xml = host_meta("https://x.example")
    assert 'template="https://x.example/.well-known/webfinger?resource={uri}"' in xml
