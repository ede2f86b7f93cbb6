"""WebFinger: handle parsing, and lookups against a loopback server serving Mastodon's answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web

from activitypub.http import JRD_ACCEPT, BlockedAddress, HttpClient, HTTPStatusError
from activitypub.webfinger import Resolved, WebFingerError, canonical, lookup, parse_handle
from tests.support.servers import free_port

GOLDEN = Path(__file__).parent / "golden" / "webfinger" / "mastodon_jrd.json"
JRD = "application/jrd+json; charset=utf-8"  # what Mastodon sends


@pytest.mark.parametrize(
    ("handle", "user", "host"),
    [
        ("alice@example.com", "alice", "example.com"),
        ("@alice@example.com", "alice", "example.com"),
        ("acct:alice@example.com", "alice", "example.com"),
        ("acct:@alice@example.com", "alice", "example.com"),
        ("  alice@Example.COM ", "alice", "example.com"),
        ("Alice@example.com", "Alice", "example.com"),  # the user part keeps its case
        ("alice@127.0.0.1:8010", "alice", "127.0.0.1:8010"),
        ("alice.b_c-d@sub.example.com", "alice.b_c-d", "sub.example.com"),
    ],
)
def test_parse_handle(handle: str, user: str, host: str) -> None:
    assert parse_handle(handle) == (user, host)


@pytest.mark.parametrize(
    "handle",
    [
        "",
        "@",
        "alice",
        "@alice",
        "alice@",
        "@example.com",
        "acct:",
        "a@b@c",
        "alice@@example.com",
        "alice@example.com/users/alice",
        "https://example.com/users/alice",
        "al ice@example.com",
        "alice@exa mple.com",
        "alice@example.com?x=1",
        "alice@example.com#frag",
        "alice@example.com\\evil.example",
    ],
)
def test_bad_handles_are_refused(handle: str) -> None:
    with pytest.raises(WebFingerError):
        parse_handle(handle)


# --- lookups against loopback -------------------------------------------------------------------


class JrdServer:
    """Serves /.well-known/webfinger with a configurable answer; records the queries."""

    def __init__(self) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self.status = 200
        self.content_type = JRD
        self.doc: Any = json.loads(
            GOLDEN.read_text()
            .replace("https://ap.example.com", self.origin)
            # the subject and the acct template carry the bare host
            .replace("ap.example.com", self.host)
        )
        self.queries: list[tuple[dict[str, list[str]], str]] = []
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.queries.append((parse_qs(request.query_string), request.headers.get("Accept", "")))
        return web.Response(
            body=json.dumps(self.doc).encode(),
            status=self.status,
            headers={"Content-Type": self.content_type},
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/webfinger", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def self_links(self) -> list[dict[str, Any]]:
        return [link for link in self.doc["links"] if link.get("rel") == "self"]


@pytest.fixture
async def jrd() -> AsyncIterator[JrdServer]:
    """A WebFinger endpoint on loopback answering with Mastodon's recorded JRD."""
    server = JrdServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    """A client allowed to reach loopback."""
    async with HttpClient(user_agent="test", allow_private_addresses=True, timeout=5.0) as http:
        yield http


def test_golden_jrd_is_adapted_to_loopback(jrd: JrdServer) -> None:
    assert jrd.doc["subject"] == f"acct:foo@{jrd.host}"
    assert (
        jrd.doc["links"][0]["rel"] == "http://webfinger.net/rel/profile-page"
    )  # self is not first
    assert jrd.self_links()[0]["href"] == f"{jrd.origin}/users/foo"


@pytest.mark.parametrize("form", ["{}", "@{}", "acct:{}"])
async def test_lookup_finds_the_self_link(client: HttpClient, jrd: JrdServer, form: str) -> None:
    actor = await lookup(client, form.format(f"foo@{jrd.host}"), scheme="http")
    assert actor == f"{jrd.origin}/users/foo"
    [(query, accept)] = jrd.queries
    assert query == {"resource": [f"acct:foo@{jrd.host}"]}
    assert accept == JRD_ACCEPT


async def test_plain_json_answer_is_accepted(client: HttpClient, jrd: JrdServer) -> None:
    jrd.content_type = "application/json"
    assert await lookup(client, f"foo@{jrd.host}", scheme="http") == f"{jrd.origin}/users/foo"


async def test_ld_json_self_link_is_accepted(client: HttpClient, jrd: JrdServer) -> None:
    jrd.self_links()[0]["type"] = (
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    )
    assert await lookup(client, f"foo@{jrd.host}", scheme="http") == f"{jrd.origin}/users/foo"


async def test_self_link_of_another_type_is_skipped(client: HttpClient, jrd: JrdServer) -> None:
    html = {"rel": "self", "type": "text/html", "href": f"{jrd.origin}/@foo"}
    jrd.doc["links"].insert(0, html)
    assert await lookup(client, f"foo@{jrd.host}", scheme="http") == f"{jrd.origin}/users/foo"


async def test_not_found_is_an_error(client: HttpClient, jrd: JrdServer) -> None:
    jrd.status = 404
    with pytest.raises(WebFingerError, match="HTTP 404") as caught:
        await lookup(client, f"nobody@{jrd.host}", scheme="http")
    assert isinstance(caught.value.__cause__, HTTPStatusError)


@pytest.mark.parametrize(
    "change",
    [
        "no self link",
        "self link without type",
        "self link of another type",
        "self link without href",
        "links not a list",
        "no links",
    ],
)
async def test_answer_without_an_actor_is_an_error(
    client: HttpClient, jrd: JrdServer, change: str
) -> None:
    [link] = jrd.self_links()
    if change == "no self link":
        jrd.doc["links"].remove(link)
    elif change == "self link without type":
        del link["type"]
    elif change == "self link of another type":
        link["type"] = "text/html"
    elif change == "self link without href":
        del link["href"]
    elif change == "links not a list":
        jrd.doc["links"] = link
    else:
        del jrd.doc["links"]
    with pytest.raises(WebFingerError, match="no ActivityPub actor"):
        await lookup(client, f"foo@{jrd.host}", scheme="http")


async def test_html_answer_is_an_error(client: HttpClient, jrd: JrdServer) -> None:
    jrd.content_type = "text/html"
    with pytest.raises(WebFingerError, match="content type"):
        await lookup(client, f"foo@{jrd.host}", scheme="http")


async def test_non_object_answer_is_an_error(client: HttpClient, jrd: JrdServer) -> None:
    jrd.doc = jrd.doc["links"]
    with pytest.raises(WebFingerError):
        await lookup(client, f"foo@{jrd.host}", scheme="http")


async def test_lookup_goes_through_the_ssrf_guard(jrd: JrdServer) -> None:
    async with HttpClient(user_agent="test", allow_private_addresses=False) as http:
        with pytest.raises(WebFingerError) as caught:
            await lookup(http, f"foo@{jrd.host}", scheme="http")
    assert isinstance(caught.value.__cause__, BlockedAddress)
    assert jrd.queries == []


async def test_bad_handle_makes_no_request(client: HttpClient, jrd: JrdServer) -> None:
    with pytest.raises(WebFingerError):
        await lookup(client, f"foo@{jrd.host}/x", scheme="http")
    assert jrd.queries == []


async def test_lookup_uses_https_by_default(jrd: JrdServer) -> None:
    # No TLS on the loopback server: an https lookup fails to connect instead of reaching it.
    async with HttpClient(user_agent="test", allow_private_addresses=True, timeout=2.0) as http:
        with pytest.raises(WebFingerError):
            await lookup(http, f"foo@{jrd.host}")
    assert jrd.queries == []


# --- aliases: the canonical handle, as Mastodon's ResolveAccountService follows it ----------


@pytest.fixture
async def canon() -> AsyncIterator[JrdServer]:
    """A second WebFinger endpoint: the server an alias's subject names."""
    server = JrdServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _http(_host: str) -> str:
    return "http"


async def test_a_handle_that_is_its_own_subject_is_asked_once(
    client: HttpClient, jrd: JrdServer
) -> None:
    found = await canonical(client, f"FOO@{jrd.host}", scheme_of=_http)
    assert found == Resolved(f"foo@{jrd.host}", f"{jrd.origin}/users/foo")
    assert len(jrd.queries) == 1


async def test_an_alias_leads_to_its_canonical_handle(
    client: HttpClient, jrd: JrdServer, canon: JrdServer
) -> None:
    jrd.doc["subject"] = f"acct:foo@{canon.host}"
    found = await canonical(client, f"alias@{jrd.host}", scheme_of=_http)
    # The canonical handle's own answer names the actor.
    assert found == Resolved(f"foo@{canon.host}", f"{canon.origin}/users/foo")
    assert [query["resource"] for query, _ in canon.queries] == [[f"acct:foo@{canon.host}"]]


async def test_an_answer_without_a_subject_keeps_the_handle_asked(
    client: HttpClient, jrd: JrdServer
) -> None:
    del jrd.doc["subject"]
    found = await canonical(client, f"foo@{jrd.host}", scheme_of=_http)
    assert found == Resolved(f"foo@{jrd.host}", f"{jrd.origin}/users/foo")


@pytest.mark.parametrize("second", ["another", "none", "missing"])
async def test_a_canonical_handle_that_does_not_answer_as_itself_is_refused(
    client: HttpClient, jrd: JrdServer, canon: JrdServer, second: str
) -> None:
    """One redirect, no more: the subject's own WebFinger must give that subject."""
    jrd.doc["subject"] = f"acct:foo@{canon.host}"
    if second == "another":
        canon.doc["subject"] = f"acct:bar@{canon.host}"
    elif second == "none":
        del canon.doc["subject"]
    else:
        canon.status = 404
    with pytest.raises(WebFingerError, match=f"foo@{canon.host}"):
        await canonical(client, f"alias@{jrd.host}", scheme_of=_http)
