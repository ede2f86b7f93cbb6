"""Which streams hear of a post (fedi.domain.streaming): public posts reach the public
streams, local ones the local streams and remote ones the remote stream, tagged ones their
hashtag's streams; others (and boosts) only the homes they belong to. Asking for a stream
checks its name, its tag and the token's scopes."""

from __future__ import annotations

import pytest

from fedi.domain.streaming import (
    Listener,
    Stream,
    StreamError,
    deletion_targets,
    stream,
    targets,
)
from storage.stream_events import PostFacts
from tests.support import rows

EVERY = {
    Stream("user"),
    Stream("public"),
    Stream("public:local"),
    Stream("public:remote"),
    Stream("hashtag", "kites"),
    Stream("hashtag:local", "kites"),
    Stream("hashtag", "gulls"),
}


def _listener() -> Listener:
    viewer = rows.account("https://here.example/users/alice", "alice", None)
    return Listener(viewer, ("read",), set(EVERY))


def _names(found: list[Stream]) -> set[tuple[str, ...]]:
    return {tuple(item.label) for item in found}


def test_a_local_public_tagged_post() -> None:
    facts = PostFacts("public", True, frozenset({"kites"}))
    assert _names(targets(_listener(), False, facts)) == {
        ("public",),
        ("public:local",),
        ("hashtag", "kites"),
        ("hashtag:local", "kites"),
    }


def test_a_remote_public_tagged_post_followed() -> None:
    facts = PostFacts("public", False, frozenset({"kites"}))
    assert _names(targets(_listener(), True, facts)) == {
        ("user",),
        ("public",),
        ("public:remote",),
        ("hashtag", "kites"),
    }


@pytest.mark.parametrize("visibility", ["unlisted", "private", "direct"])
def test_a_post_that_is_not_public_reaches_only_homes(visibility: str) -> None:
    facts = PostFacts(visibility, True, frozenset({"kites"}))
    assert _names(targets(_listener(), True, facts)) == {("user",)}
    assert targets(_listener(), False, facts) == []


def test_a_boost_reaches_only_homes() -> None:
    assert _names(targets(_listener(), True, None)) == {("user",)}
    assert targets(_listener(), False, None) == []


def test_asking_for_streams() -> None:
    assert stream("hashtag", "#Kites", ("read",)) == Stream("hashtag", "kites")
    assert stream("user", None, ("read:statuses",)) == Stream("user")
    assert stream("user:notification", None, ("read:notifications",)) == Stream("user:notification")
    for name, tag, scopes, status in [
        ("user", None, ("write",), 403),
        ("user", None, ("read:notifications",), 403),
        ("user:notification", None, ("read:statuses",), 403),
        ("public", None, ("push",), 403),
        ("hashtag", "", ("read",), 400),
        ("hashtag:local", None, ("read",), 400),
        ("timeline", None, ("read",), 400),
    ]:
        with pytest.raises(StreamError) as refused:
            stream(name, tag, scopes)
        assert refused.value.status == status, (name, scopes)


def test_deleting_a_public_post_tells_its_public_streams() -> None:
    listener = _listener()
    listener.streams.add(Stream("user:notification"))
    facts = PostFacts("public", False, frozenset())  # (a tombstone has no hashtags left)
    assert _names(deletion_targets(listener, True, facts)) == {
        ("user",),
        ("public",),
        ("public:remote",),
        ("hashtag", "kites"),
        ("hashtag", "gulls"),
    }


@pytest.mark.parametrize("visibility", ["unlisted", "private", "direct"])
def test_deleting_a_post_that_was_not_public_tells_only_homes(visibility: str) -> None:
    facts = PostFacts(visibility, True, frozenset())
    assert _names(deletion_targets(_listener(), True, facts)) == {("user",)}
    assert deletion_targets(_listener(), False, facts) == []
    assert deletion_targets(_listener(), False, None) == []  # an undone boost, not home
