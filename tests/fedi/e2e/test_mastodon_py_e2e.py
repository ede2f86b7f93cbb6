"""Mastodon.py, a real Mastodon client library, driving alice's Impasto server (A) while carol
and dave live on a second real Impasto server (B), both on 127.0.0.1: alice finds carol with
`search_v2(resolve=True)`, follows her and sees her new post in her home timeline; finds a post
of dave's by its URL, favourites and boosts it, and B records both; carol answers a post of
alice's and alice sees the reply in the thread and in her notifications; alice answers a post
of dave's with text alone, as an app replies, and both servers show it in the thread.

The servers start once for the module; the tests run in order, each on what it made itself
or on what an earlier one left (the follow). Deliveries are waited for with a deadline.
Tokens come from `impasto token create` (the OAuth sign-in is tested elsewhere); methods are
called in "created" mode (see tests/fedi/web/api/test_mastodon_py_reads.py for why)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from mastodon import Mastodon

from tests.support.api_scene import post_id
from tests.support.databases import DatabaseFactory, backends
from tests.support.pair import Instance, start_instance
from tests.support.servers import wait_for

DEADLINE = 30.0  # seconds a delivery between the two servers may take, under load


@dataclass(frozen=True)
class World:
    """Alice's server (A) and carol's (B), and the tokens to drive them."""

    a: Instance  # alice
    b: Instance  # carol, and dave
    alice: str  # a token of alice's on A: read write follow
    dave: str  # a token of dave's on B: read

    def api(self) -> Mastodon:
        """Mastodon.py signed in as alice on A."""
        return _client(self.a, self.alice)


def _client(instance: Instance, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=instance.base, version_check_mode="created")


def _token(instance: Instance, user: str, *scopes: str) -> str:
    return instance.cli("token", "create", user, "--scopes", *scopes).strip()


@pytest.fixture(scope="module", params=backends())
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A with alice, B with carol and dave; both serving."""
    tmp = tmp_path_factory.mktemp("mastodon_py_e2e")
    databases = DatabaseFactory(request.param, tmp)
    a = start_instance(tmp, databases, "alice")
    try:
        b = start_instance(tmp, databases, "carol")
    except Exception:
        a.server.stop()
        raise
    b.cli("user", "create", "dave")
    yield World(a, b, _token(a, "alice", "read", "write", "follow"), _token(b, "dave", "read"))
    a.server.stop()
    b.server.stop()
    databases.drop_all()


def _host(instance: Instance) -> str:
    return instance.base.removeprefix("http://")


def _note_id(instance: Instance, page_url: str) -> str:
    """A post's ActivityPub id, from the page URL `impasto post` printed."""
    user = page_url.rsplit("/", 2)[-2].lstrip("@")
    return f"{instance.base}/users/{user}/statuses/{post_id(page_url)}"


def _uris(statuses: list[Any]) -> list[str]:
    return [status.uri for status in statuses]


def test_follow_a_remote_account_found_by_search(world: World) -> None:
    api = world.api()
    handle = f"carol@{_host(world.b)}"
    found = api.search_v2(f"@{handle}", resolve=True)
    assert [account.acct for account in found.accounts] == [handle]
    carol = found.accounts[0]
    assert carol.url == f"{world.b.base}/@carol"

    asked = api.account_follow(carol.id)
    assert asked.following or asked.requested
    wait_for(lambda: api.account_relationships(carol.id)[0].following, DEADLINE)
    assert [a.acct for a in api.account_search("car", following=True)] == [handle]
    assert any(f.acct == "alice@" + _host(world.a) for f in _client_b_followers(world))

    posted = _note_id(world.b, world.b.post("a heron in the reeds"))
    seen = wait_for(lambda: posted in _uris(api.timeline_home()), DEADLINE)
    assert seen
    status = next(s for s in api.timeline_home() if s.uri == posted)
    assert status.account.acct == handle and status.media_attachments


def _client_b_followers(world: World) -> list[Any]:
    """carol's followers, as B's own API lists them."""
    b = _client(world.b, world.dave)
    carol = b.account_lookup("carol")
    return list(b.account_followers(carol.id))


def test_favourite_and_boost_a_remote_post_found_by_its_url(world: World) -> None:
    api = world.api()
    page = world.b.cli("post", "dave", "a kite over the dunes").strip()
    note = _note_id(world.b, page)
    # dave is followed by no one on A: the post is not there until it is looked up.
    assert api.search_v2(page, resolve=False).statuses == []
    found = api.search_v2(page, resolve=True)
    assert _uris(found.statuses) == [note]
    assert api.search_v2(note, resolve=True).statuses[0].id == found.statuses[0].id
    status = found.statuses[0]
    assert status.account.acct == f"dave@{_host(world.b)}"

    assert api.status_favourite(status.id).favourited
    assert api.status_reblog(status.id).reblog.id == status.id

    # B records the Like and the Announce: its own API names alice among who did them.
    b = _client(world.b, world.dave)
    on_b = post_id(page)
    alice = f"alice@{_host(world.a)}"
    wait_for(lambda: alice in [a.acct for a in b.status_favourited_by(on_b)], DEADLINE)
    wait_for(lambda: alice in [a.acct for a in b.status_reblogged_by(on_b)], DEADLINE)
    counted = b.status(on_b)
    assert (counted.favourites_count, counted.reblogs_count) == (1, 1)


def test_a_reply_from_the_other_server_in_the_thread_and_notifications(world: World) -> None:
    api = world.api()
    ours = api.status(post_id(world.a.post("a lighthouse at dusk")))
    reply_page = world.b.cli(
        "reply", "carol", ours.url, "a boat near the rocks", "--caption", "Lovely light!"
    ).strip()
    reply = _note_id(world.b, reply_page)

    def descendants() -> list[str]:
        return _uris(api.status_context(ours.id).descendants)

    assert wait_for(lambda: reply in descendants(), DEADLINE)
    answer = next(s for s in api.status_context(ours.id).descendants if s.uri == reply)
    assert answer.in_reply_to_id == ours.id
    assert answer.account.acct == f"carol@{_host(world.b)}"

    def told() -> list[Any]:
        return [
            n for n in api.notifications(types=["mention"]) if n.status and n.status.uri == reply
        ]

    notices = wait_for(told, DEADLINE)
    assert notices[0].type == "mention"
    assert notices[0].account.acct == f"carol@{_host(world.b)}"


def test_a_text_reply_from_an_app_reaches_the_other_server(world: World) -> None:
    """What Tusky or Ivory send for a reply: the author's mention and a few words, with the
    language; no picture. It is in the thread here, and reaches B as a web reply does."""
    api = world.api()
    page = world.b.cli("post", "dave", "a gull on a post").strip()
    theirs = api.search_v2(page, resolve=True).statuses[0]
    words = f"@dave@{_host(world.b)} nice!"
    reply = api.status_post(words, in_reply_to_id=theirs.id, language="en")
    assert reply.in_reply_to_id == theirs.id and reply.media_attachments == []
    assert reply.language == "en" and "nice!" in reply.content
    assert [s.id for s in api.status_context(theirs.id).descendants] == [reply.id]
    note = world.a.server.get(reply.uri.removeprefix(world.a.base), "application/activity+json")
    assert note["contentMap"] == {"en": note["content"]}

    b = _client(world.b, world.dave)

    def answered() -> list[Any]:
        return [s for s in b.status_context(post_id(page)).descendants if s.uri == reply.uri]

    (seen,) = wait_for(answered, DEADLINE)
    assert seen.account.acct == f"alice@{_host(world.a)}" and "nice!" in seen.content
    assert str(seen.in_reply_to_id) == str(post_id(page)) and seen.media_attachments == []
