"""The one outbound HTTP client and its SSRF guard, against real aiohttp servers on loopback.

No test here sends a packet beyond 127.0.0.0/8: names resolve through a fixed table, and where a
test needs a "public" peer, 127.0.0.2 stands in for the internet (see `pretend_public`).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from activitypub import ssrf
from activitypub.http import (
    AS2_ACCEPT,
    JRD_ACCEPT,
    BadContentType,
    BadDocument,
    BlockedAddress,
    ConnectError,
    FetchError,
    FetchTimeout,
    HttpClient,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    UnfetchableURL,
    parse_json,
)
from activitypub.keys import PublicKey
from activitypub.signatures import Signer, verify_request
from activitypub.ssrf import (
    AddressBlocked,
    GuardedResolver,
    is_allowed,
    is_public_address,
    literal_ip,
)
from activitypub.urls import unfetchable
from tests.support.servers import free_port

UA = "Impasto-test/1.0 (+http://127.0.0.1)"
AS2 = "application/activity+json"
PUBLIC_STANDIN = "127.0.0.2"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hit:
    """One request as the server received it."""

    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Loopback:
    """An aiohttp.web server on a loopback address that records every request it receives."""

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Serve `path` with `handler`; returns its URL."""
        self.routes[path] = handler
        return self.url(path)

    def document(
        self,
        path: str,
        doc: Any = None,
        *,
        content_type: str = AS2,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve a JSON document (by default one whose id is its own URL); returns its URL."""
        body = json.dumps({"id": self.url(path), "type": "Note"} if doc is None else doc).encode()

        async def handler(_: web.Request) -> web.Response:
            return web.Response(
                body=body, status=status, headers={"Content-Type": content_type, **(headers or {})}
            )

        return self.route(path, handler)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Answer `path` with a redirect to `location`; returns its URL."""

        async def handler(_: web.Request) -> web.Response:
            return web.Response(status=status, headers={"Location": location})

        return self.route(path, handler)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.hits.append(Hit(request.method, request.path_qs, dict(request.headers), body))
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such route")
        return await handler(request)

    async def start(self) -> Loopback:
        """Listen on host:port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        return self

    async def stop(self) -> None:
        """Let stuck handlers finish and close."""
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()


class TableResolver(AbstractResolver):
    """Answers from a fixed name table (no DNS traffic) and records what it was asked."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"{host}: no such host in the test table")
        return [
            ResolveResult(
                hostname=host,
                host=ip,
                port=port,
                family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for ip in self.table[host]
        ]

    async def close(self) -> None:
        pass


class LocalOnlyResolver(ThreadedResolver):
    """The real getaddrinfo resolver, for names the C library answers without DNS."""

    LOCAL = frozenset({"localhost", "127.1", "2130706433", "0x7f000001"})

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.LOCAL:
            raise OSError(f"{host}: refusing a DNS lookup in tests")
        return await super().resolve(host, port, family)


async def _sleep_until_released(server: Loopback, seconds: float = 10.0) -> None:
    try:
        await asyncio.wait_for(server.release.wait(), seconds)
    except TimeoutError:
        pass


@pytest.fixture
async def server() -> AsyncIterator[Loopback]:
    """A recording server on 127.0.0.1."""
    srv = await Loopback().start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def other() -> AsyncIterator[Loopback]:
    """A second recording server on 127.0.0.1 (another port, so another origin)."""
    srv = await Loopback().start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def public() -> AsyncIterator[Loopback]:
    """A recording server on 127.0.0.2, which `pretend_public` lets pass as a public address."""
    srv = await Loopback(host=PUBLIC_STANDIN).start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
def pretend_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.2 as a public address, in the literal check and in the resolver alike."""
    real = ssrf.is_public_address
    monkeypatch.setattr(ssrf, "is_public_address", lambda ip: ip == PUBLIC_STANDIN or real(ip))


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    """A client that may reach loopback (as in tests and local development)."""
    async with HttpClient(user_agent=UA, allow_private_addresses=True, timeout=5.0) as http:
        yield http


def _guarded(resolver: AbstractResolver | None = None, **kwargs: Any) -> HttpClient:
    return HttpClient(
        user_agent=UA, allow_private_addresses=False, timeout=5.0, resolver=resolver, **kwargs
    )


# --- the address table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "100.64.0.1",  # CGNAT, RFC 6598
        "100.127.255.254",
        "169.254.169.254",  # link-local: cloud metadata endpoints live here
        "0.0.0.0",  # Linux connects this to the local host
        "0.1.2.3",
        "255.255.255.255",
        "224.0.0.1",  # multicast
        "239.255.255.250",
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fec0::1",
        "fd12:3456:789a::1",
        "::ffff:127.0.0.1",  # v4-mapped loopback
        "::ffff:10.0.0.1",
        "::ffff:8.8.8.8",  # mapped forms are refused outright, even of public addresses
        "64:ff9b::7f00:1",  # NAT64 well-known prefix embedding 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 embedding 169.254.169.254
        "64:ff9b::808:808",  # NAT64 of a public address: still the NAT64 box's choice
        "64:ff9b:1::7f00:1",  # local-use NAT64, RFC 8215
        "2002:7f00:1::",  # 6to4 embedding 127.0.0.1
        "2002:a00:1::1",  # 6to4 embedding 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "ff02::1",  # multicast
        "ff0e::1",  # global-scope multicast
        "2001:db8::1",  # documentation
        "not-an-ip",
        "",
        "8.8.8.8.8",
    ],
)
def test_non_public_addresses_are_refused(ip: str) -> None:
    assert is_public_address(ip) is False
    assert is_allowed(ip, allow_private=False) is False


@pytest.mark.parametrize(
    "ip", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1", "2001:4860:4860::8888"]
)
def test_public_addresses_are_allowed(ip: str) -> None:
    assert is_public_address(ip) is True
    assert is_allowed(ip, allow_private=False) is True


@pytest.mark.parametrize("ip", ["::127.0.0.1", "::10.0.0.1", "::169.254.169.254"])
def test_ipv4_compatible_forms_are_refused(ip: str) -> None:
    assert is_public_address(ip) is False


def test_private_addresses_pass_only_when_configured() -> None:
    assert is_allowed("127.0.0.1", allow_private=True)
    assert is_allowed("10.0.0.1", allow_private=True)
    assert not is_allowed("10.0.0.1", allow_private=False)


@pytest.mark.parametrize(
    ("host", "literal"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::FFFF:127.0.0.1", "::ffff:7f00:1"),
        ("example.com", None),
        ("127.1", None),  # not a literal: goes to the resolver, which must catch it
        ("localhost", None),
    ],
)
def test_literal_ip(host: str, literal: str | None) -> None:
    assert literal_ip(host) == literal


# --- the resolver ------------------------------------------------------------------------------


async def test_guarded_resolver_drops_blocked_addresses() -> None:
    inner = TableResolver({"mixed.example": ["127.0.0.1", "8.8.8.8", "10.1.2.3", "2606:4700::1"]})
    results = await GuardedResolver(inner).resolve("mixed.example", 443)
    assert [r["host"] for r in results] == ["8.8.8.8", "2606:4700::1"]


async def test_guarded_resolver_refuses_a_name_with_only_private_addresses() -> None:
    inner = TableResolver({"evil.example": ["127.0.0.1", "::1", "169.254.169.254"]})
    with pytest.raises(AddressBlocked):
        await GuardedResolver(inner).resolve("evil.example", 80)


async def test_guarded_resolver_lets_private_through_when_allowed() -> None:
    inner = TableResolver({"dev.example": ["127.0.0.1"]})
    results = await GuardedResolver(inner, allow_private=True).resolve("dev.example", 80)
    assert [r["host"] for r in results] == ["127.0.0.1"]


# --- SSRF guard, end to end ---------------------------------------------------------------------


@pytest.mark.parametrize("fetch", ["get_json", "get_bytes", "post"])
async def test_loopback_literal_is_blocked_before_connecting(server: Loopback, fetch: str) -> None:
    url = server.document("/doc")
    async with _guarded() as http:
        with pytest.raises(BlockedAddress) as caught:
            if fetch == "get_json":
                await http.get_json(url)
            elif fetch == "get_bytes":
                await http.get_bytes(url, max_bytes=1000)
            else:
                await http.post(url, b"{}", signer=None)
    assert caught.value.url == url
    assert server.hits == []


async def test_ipv6_mapped_loopback_literal_is_blocked(server: Loopback) -> None:
    url = f"http://[::ffff:127.0.0.1]:{server.port}/doc"
    server.document("/doc")
    async with _guarded() as http:
        with pytest.raises(BlockedAddress):
            await http.get_json(url)
    assert server.hits == []


async def test_hostname_resolving_to_loopback_is_blocked_at_connect_time(server: Loopback) -> None:
    server.document("/doc")
    resolver = TableResolver({"evil.example": ["127.0.0.1"]})
    async with _guarded(resolver) as http:
        with pytest.raises(BlockedAddress):
            await http.get_json(f"http://evil.example:{server.port}/doc")
    assert resolver.asked == ["evil.example"]  # the check ran on the resolved address
    assert server.hits == []


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("localhost", BlockedAddress),
        # getaddrinfo reads these as 127.0.0.1: refused before any lookup, as no address
        # written canonically (yarl refuses the last two too, but not the first)
        ("0x7f000001", UnfetchableURL),
        ("127.1", UnfetchableURL),
        ("2130706433", UnfetchableURL),
    ],
)
async def test_loopback_spellings_are_blocked_through_the_real_resolver(
    server: Loopback, name: str, error: type[FetchError]
) -> None:
    # None of these is a literal to `ipaddress`, so the literal check lets them through:
    # the resolver guard (or URL parsing) must stop them before a connection is made.
    assert literal_ip(name) is None
    server.document("/doc")
    async with _guarded(LocalOnlyResolver()) as http:
        with pytest.raises(error):
            await http.get_bytes(f"http://{name}:{server.port}/doc", max_bytes=1000)
    assert server.hits == []


@pytest.mark.usefixtures("pretend_public")
async def test_public_standin_is_reachable(public: Loopback) -> None:
    # The control for the tests below: the guard lets an allowed address through.
    resolver = TableResolver({"good.example": [PUBLIC_STANDIN]})
    public.document("/doc", {"id": f"http://good.example:{public.port}/doc"})
    async with _guarded(resolver) as http:
        doc = await http.get_json(f"http://good.example:{public.port}/doc")
        assert doc["id"] == f"http://good.example:{public.port}/doc"
        assert len(public.hits) == 1
        await http.get_json(public.document("/literal"))
    assert len(public.hits) == 2


@pytest.mark.usefixtures("pretend_public")
async def test_mixed_resolution_connects_only_to_the_allowed_address(server: Loopback) -> None:
    # Same port on both addresses: whichever answers tells us where the client connected.
    public = await Loopback(host=PUBLIC_STANDIN, port=server.port).start()
    try:
        resolver = TableResolver({"mixed.example": ["127.0.0.1", PUBLIC_STANDIN]})
        url = f"http://mixed.example:{server.port}/doc"
        public.document("/doc", {"id": url})
        server.document("/doc", {"id": url})
        async with _guarded(resolver) as http:
            assert (await http.get_json(url))["id"] == url
        assert len(public.hits) == 1
        assert server.hits == []
    finally:
        await public.stop()


@pytest.mark.usefixtures("pretend_public")
@pytest.mark.parametrize("target", ["literal", "hostname", "mapped", "zero"])
async def test_redirect_from_allowed_host_to_blocked_one_is_blocked(
    public: Loopback, server: Loopback, target: str
) -> None:
    server.document("/secret")
    location = {
        "literal": server.url("/secret"),
        "hostname": f"http://evil.example:{server.port}/secret",
        "mapped": f"http://[::ffff:127.0.0.1]:{server.port}/secret",
        "zero": f"http://0.0.0.0:{server.port}/secret",
    }[target]
    url = public.redirect("/start", location)
    resolver = TableResolver({"evil.example": ["127.0.0.1"]})
    async with _guarded(resolver) as http:
        with pytest.raises(BlockedAddress):
            await http.get_json(url)
        with pytest.raises(BlockedAddress):
            await http.get_bytes(url, max_bytes=1000)
    assert len(public.hits) == 2  # the first hop was made (once per call) ...
    assert server.hits == []  # ... the second never was


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/"])
async def test_redirect_to_another_scheme_is_refused(
    client: HttpClient, server: Loopback, location: str
) -> None:
    url = server.redirect("/start", location)
    with pytest.raises(FetchError, match="http"):
        await client.get_bytes(url, max_bytes=1000)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/", "/relative", "http://"])
async def test_only_absolute_http_urls_are_fetched(client: HttpClient, url: str) -> None:
    with pytest.raises(UnfetchableURL):
        await client.get_json(url)


UNFETCHABLE = [
    "http://user:secret@127.0.0.1:{port}/doc",  # credentials would go with the request
    "http://0x7f.1:{port}/doc",  # 127.0.0.1 to getaddrinfo, refused by no URL parser
    "http://2130706433:{port}/doc",
    "http://0177.0.0.1:{port}/doc",
    "http://127.0.0.1.:{port}/doc",
    "http://[::1:{port}/doc",
    "http://127.0.0.1:99999/doc",
    "http://127.0.0.1:0/doc",
    "http://[fe80::1%25lo]:{port}/doc",
    "http://bad host:{port}/doc",
]


@pytest.mark.parametrize("url", UNFETCHABLE)
async def test_a_url_that_can_never_be_fetched_is_refused_before_any_connection(
    client: HttpClient, server: Loopback, url: str
) -> None:
    """Even where private addresses are allowed (tests, local development)."""
    server.document("/doc")
    with pytest.raises(UnfetchableURL):
        await client.get_bytes(url.format(port=server.port), max_bytes=1000)
    assert server.hits == []


@pytest.mark.parametrize("location", UNFETCHABLE[:3])
async def test_a_redirect_to_a_url_that_can_never_be_fetched_is_refused(
    client: HttpClient, server: Loopback, location: str
) -> None:
    server.document("/doc")
    with pytest.raises(UnfetchableURL):
        await client.get_bytes(
            server.redirect("/start", location.format(port=server.port)), max_bytes=1000
        )
    assert [hit.path_qs for hit in server.hits] == ["/start"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a.png",
        "https://Example.COM./a.png",
        "http://127.0.0.1:8000/a.png",
        "http://[::1]/a.png",
        "http://[2001:db8::1]:8080/a.png",
        "https://xn--bcher-kva.example/a.png",
        "https://b\u00fccher.example/a.png",
        "https://media_host.example/a.png",
    ],
)
def test_what_may_be_fetched(url: str) -> None:
    assert unfetchable(url) is None


# --- redirects ---------------------------------------------------------------------------------


def _chain(server: Loopback, hops: int) -> str:
    """/r{hops} -> /r{hops-1} -> ... -> /r0, which serves a document; returns /r{hops}'s URL."""
    for n in range(1, hops + 1):
        server.redirect(f"/r{n}", f"/r{n - 1}")  # relative Location, resolved per hop
    server.document("/r0")
    return server.url(f"/r{hops}")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_is_followed(client: HttpClient, server: Loopback, status: int) -> None:
    server.redirect("/old", server.url("/new"), status=status)
    server.document("/new")
    doc = await client.get_json(server.url("/old"))
    assert doc["id"] == server.url("/new")
    assert [hit.path_qs for hit in server.hits] == ["/old", "/new"]


async def test_three_redirects_are_followed(client: HttpClient, server: Loopback) -> None:
    doc = await client.get_json(_chain(server, 3))
    assert doc["id"] == server.url("/r0")
    assert len(server.hits) == 4


async def test_fourth_redirect_raises(client: HttpClient, server: Loopback) -> None:
    with pytest.raises(TooManyRedirects):
        await client.get_json(_chain(server, 4))
    assert [hit.path_qs for hit in server.hits] == ["/r4", "/r3", "/r2", "/r1"]


async def test_redirect_loop_ends(client: HttpClient, server: Loopback) -> None:
    server.redirect("/loop", "/loop")
    with pytest.raises(TooManyRedirects):
        await client.get_bytes(server.url("/loop"), max_bytes=1000)
    assert len(server.hits) == 4


async def test_post_does_not_follow_redirects(client: HttpClient, server: Loopback) -> None:
    server.document("/elsewhere")
    url = server.redirect("/inbox", "/elsewhere", status=307)
    response = await client.post(url, b"{}", signer=None)
    assert response.status == 307
    assert [hit.path_qs for hit in server.hits] == ["/inbox"]


# --- byte caps ---------------------------------------------------------------------------------


def _bytes_route(server: Loopback, path: str, size: int) -> str:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * size, content_type="application/octet-stream")

    return server.route(path, handler)


def _stream_route(server: Loopback, path: str, chunks: int | None, delay: float = 0.0) -> str:
    """Chunked body, no Content-Length: `chunks` pieces of 500 bytes, or endless if None."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": AS2})
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            while (chunks is None or sent < chunks) and not server.release.is_set():
                await response.write(b" " * 500)
                sent += 1
                if delay:
                    await asyncio.sleep(delay)
            await response.write_eof()
        except ConnectionError:
            pass  # the client hung up, as it should
        return response

    return server.route(path, handler)


async def test_body_at_the_cap_is_accepted(client: HttpClient, server: Loopback) -> None:
    response = await client.get_bytes(_bytes_route(server, "/ok", 1000), max_bytes=1000)
    assert response.body == b"x" * 1000


async def test_declared_length_over_the_cap_raises(client: HttpClient, server: Loopback) -> None:
    with pytest.raises(ResponseTooLarge):
        await client.get_bytes(_bytes_route(server, "/big", 1001), max_bytes=1000)


async def test_streamed_body_over_the_cap_raises(client: HttpClient, server: Loopback) -> None:
    with pytest.raises(ResponseTooLarge):
        await client.get_bytes(_stream_route(server, "/stream", chunks=10), max_bytes=1000)


async def test_endless_stream_is_cut_off_at_the_cap(client: HttpClient, server: Loopback) -> None:
    started = time.monotonic()
    with pytest.raises(ResponseTooLarge):
        await client.get_bytes(_stream_route(server, "/endless", chunks=None), max_bytes=100_000)
    assert time.monotonic() - started < 3  # not waiting for the 5 s deadline


async def test_get_json_uses_the_client_cap(server: Loopback) -> None:
    url = server.document("/doc", {"id": server.url("/doc"), "padding": "x" * 5000})
    async with HttpClient(user_agent=UA, allow_private_addresses=True, max_bytes=4000) as http:
        with pytest.raises(ResponseTooLarge):
            await http.get_json(url)
        assert (await http.get_json(url, max_bytes=10_000))["id"] == url


async def test_compressed_body_is_capped_after_decompression(
    client: HttpClient, server: Loopback
) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000

    async def handler(_: web.Request) -> web.Response:
        return web.Response(
            body=bomb,
            headers={"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"},
        )

    with pytest.raises(ResponseTooLarge):
        await client.get_bytes(server.route("/bomb", handler), max_bytes=100_000)


async def test_post_answer_is_truncated_not_refused(client: HttpClient, server: Loopback) -> None:
    # A delivery's answer only matters for its status: a big error page must not fail it.
    async def handler(_: web.Request) -> web.Response:
        return web.Response(status=202, body=b"x" * 200_000)

    response = await client.post(server.route("/inbox", handler), b"{}", signer=None)
    assert response.status == 202
    assert len(response.body) <= 64_000


# --- deadlines and connection failures ----------------------------------------------------------


async def test_server_that_never_answers_times_out(server: Loopback) -> None:
    async def handler(_: web.Request) -> web.Response:
        await _sleep_until_released(server)
        return web.Response(text="late")

    url = server.route("/slow", handler)
    started = time.monotonic()
    async with HttpClient(user_agent=UA, allow_private_addresses=True, timeout=0.3) as http:
        with pytest.raises(FetchTimeout):
            await http.get_json(url)
    assert time.monotonic() - started < 3


async def test_slow_drip_body_times_out(server: Loopback) -> None:
    # Headers at once, then a trickle well under the byte cap: the deadline covers the body.
    url = _stream_route(server, "/drip", chunks=None, delay=0.05)
    async with HttpClient(user_agent=UA, allow_private_addresses=True, timeout=0.5) as http:
        with pytest.raises(FetchTimeout):
            await http.get_bytes(url, max_bytes=10_000_000)


async def test_deadline_covers_the_whole_redirect_chain(server: Loopback) -> None:
    def slow_redirect(location: str) -> Handler:
        async def handler(_: web.Request) -> web.Response:
            await asyncio.sleep(0.3)
            return web.Response(status=302, headers={"Location": location})

        return handler

    for n in (1, 2):
        server.route(f"/s{n}", slow_redirect(f"/s{n - 1}"))
    server.route("/s0", slow_redirect("/done"))
    server.document("/done")
    async with HttpClient(user_agent=UA, allow_private_addresses=True, timeout=0.5) as http:
        # 3 redirects (allowed), 0.9 s of waiting in all, each hop well under 0.5 s
        with pytest.raises(FetchTimeout):
            await http.get_json(server.url("/s2"))


async def test_connection_refused_is_a_connect_error(client: HttpClient) -> None:
    url = f"http://127.0.0.1:{free_port()}/doc"
    with pytest.raises(ConnectError) as caught:
        await client.get_json(url)
    assert caught.value.url == url


async def test_unknown_host_is_a_connect_error() -> None:
    async with HttpClient(
        user_agent=UA, allow_private_addresses=True, resolver=TableResolver({})
    ) as http:
        with pytest.raises(ConnectError):
            await http.get_json("http://nowhere.example/doc")


# --- content type and document checks ------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/activity+json",
        "application/activity+json; charset=utf-8",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        "application/ld+json",
        "Application/Activity+JSON",
    ],
)
async def test_as2_content_types_are_accepted(
    client: HttpClient, server: Loopback, content_type: str
) -> None:
    url = server.document("/doc", content_type=content_type)
    assert await client.get_json(url) == {"id": url, "type": "Note"}


@pytest.mark.parametrize(
    "content_type", ["text/html", "application/json", "text/plain", "application/jrd+json"]
)
async def test_other_content_types_are_refused(
    client: HttpClient, server: Loopback, content_type: str
) -> None:
    url = server.document("/doc", content_type=content_type)
    with pytest.raises(BadContentType):
        await client.get_json(url)


async def test_as2_accept_header_is_sent(client: HttpClient, server: Loopback) -> None:
    await client.get_json(server.document("/doc"))
    [hit] = server.hits
    assert hit.headers["Accept"] == AS2_ACCEPT
    assert hit.headers["User-Agent"] == UA


@pytest.mark.parametrize("content_type", ["application/jrd+json", "application/json"])
async def test_jrd_content_types_are_accepted(
    client: HttpClient, server: Loopback, content_type: str
) -> None:
    url = server.document("/jrd", {"subject": "acct:a@b"}, content_type=content_type)
    doc = await client.get_json(url, accept=JRD_ACCEPT, expect_id=False)
    assert doc == {"subject": "acct:a@b"}
    assert server.hits[0].headers["Accept"] == JRD_ACCEPT


async def test_jrd_as_html_is_refused(client: HttpClient, server: Loopback) -> None:
    url = server.document("/jrd", {"subject": "acct:a@b"}, content_type="text/html")
    with pytest.raises(BadContentType):
        await client.get_json(url, accept=JRD_ACCEPT, expect_id=False)


@pytest.mark.parametrize(
    "doc_id",
    ["/other", "/doc/", "/doc?x=1", "http://127.0.0.2:{port}/doc", "https://127.0.0.1:{port}/doc"],
)
async def test_document_with_another_id_is_refused(
    client: HttpClient, server: Loopback, doc_id: str
) -> None:
    full = doc_id.format(port=server.port) if doc_id.startswith("http") else server.url(doc_id)
    url = server.document("/doc", {"id": full, "type": "Note"})
    with pytest.raises(BadDocument) as caught:
        await client.get_json(url)
    assert caught.value.url == url


async def test_id_compared_as_a_parsed_url(client: HttpClient, server: Loopback) -> None:
    url = server.document("/doc", {"id": f"HTTP://127.0.0.1:{server.port}/doc"})
    assert (await client.get_json(url))["id"] == f"HTTP://127.0.0.1:{server.port}/doc"


@pytest.mark.parametrize("doc", [{"type": "Note"}, {"id": 5}, {"id": None}])
async def test_document_without_an_id_is_refused(
    client: HttpClient, server: Loopback, doc: Any
) -> None:
    url = server.document("/doc", doc)
    with pytest.raises(BadDocument):
        await client.get_json(url)
    assert await client.get_json(url, expect_id=False) == doc


@pytest.mark.parametrize("body", [b"[1, 2]", b'"a string"', b"not json", b"{", b"\xff\xfe"])
async def test_non_object_or_broken_json_is_refused(
    client: HttpClient, server: Loopback, body: bytes
) -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": AS2})

    url = server.route("/doc", handler)
    with pytest.raises(BadDocument) as caught:
        await client.get_json(url, expect_id=False)
    assert caught.value.url == url


async def test_id_of_the_final_url_after_a_redirect_is_accepted(
    client: HttpClient, server: Loopback
) -> None:
    server.redirect("/old", "/new")
    server.document("/new")
    assert (await client.get_json(server.url("/old")))["id"] == server.url("/new")


async def test_id_of_the_requested_url_on_the_same_origin_is_accepted(
    client: HttpClient, server: Loopback
) -> None:
    server.redirect("/old", "/new")
    server.document("/new", {"id": server.url("/old")})
    assert (await client.get_json(server.url("/old")))["id"] == server.url("/old")


async def test_redirect_cannot_lend_another_origin_an_id(
    client: HttpClient, server: Loopback, other: Loopback
) -> None:
    # A page on `server` redirects to `other`, which claims the id we asked for: refused, or
    # any redirect would let one server publish objects in another server's name.
    requested = server.redirect("/users/alice", other.url("/fake"))
    other.document("/fake", {"id": requested, "type": "Person"})
    with pytest.raises(BadDocument):
        await client.get_json(requested)


async def test_cross_origin_redirect_with_its_own_id_is_accepted(
    client: HttpClient, server: Loopback, other: Loopback
) -> None:
    server.redirect("/users/alice", other.url("/users/alice"))
    other.document("/users/alice")
    doc = await client.get_json(server.url("/users/alice"))
    assert doc["id"] == other.url("/users/alice")  # the caller keys on this, not the request


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


async def test_deeply_nested_document_is_refused(client: HttpClient, server: Loopback) -> None:
    body = b'{"id": "%s", "x": ' % server.url("/doc").encode() + _nested(200) + b"}"

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": AS2})

    with pytest.raises(BadDocument, match="deeper"):
        await client.get_json(server.route("/doc", handler))


@pytest.mark.parametrize("shape", ["list", "object"])
async def test_oversized_collection_is_refused(
    client: HttpClient, server: Loopback, shape: str
) -> None:
    url = server.url("/doc")
    items: Any = list(range(10_001)) if shape == "list" else {str(i): i for i in range(10_001)}
    server.document("/doc", {"id": url, "items": items})
    with pytest.raises(BadDocument, match="more than 10000"):
        await client.get_json(url)


async def test_collection_at_the_cap_is_accepted(client: HttpClient, server: Loopback) -> None:
    url = server.document("/doc", {"id": server.url("/doc"), "items": list(range(10_000))})
    assert len((await client.get_json(url))["items"]) == 10_000


def test_parse_json_depth_cap() -> None:
    assert parse_json(_nested(2), max_depth=2) == [[1]]
    with pytest.raises(BadDocument, match="deeper than 2"):
        parse_json(_nested(3), max_depth=2)
    assert parse_json(b'{"a": {"b": 1}}', max_depth=2) == {"a": {"b": 1}}
    with pytest.raises(BadDocument):
        parse_json(b'{"a": {"b": {"c": 1}}}', max_depth=2)


def test_parse_json_item_cap() -> None:
    assert parse_json(b"[1, 2, 3]", max_items=3) == [1, 2, 3]
    with pytest.raises(BadDocument):
        parse_json(b"[1, 2, 3, 4]", max_items=3)
    with pytest.raises(BadDocument):
        parse_json(b'{"x": [{"a": 1, "b": 2, "c": 3, "d": 4}]}', max_items=3)


def test_parse_json_survives_nesting_past_the_interpreter_limit() -> None:
    with pytest.raises(BadDocument):
        parse_json(_nested(200_000))


def test_parse_json_default_depth_allows_real_documents() -> None:
    assert parse_json(_nested(30)) is not None


# --- status codes and Retry-After ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"), [(429, "120", 120.0), (503, "0", 0.0), (404, None, None)]
)
async def test_error_status_raises_with_retry_after(
    client: HttpClient,
    server: Loopback,
    status: int,
    retry_after: str | None,
    expected: float | None,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    url = server.document("/doc", status=status, headers=headers)
    with pytest.raises(HTTPStatusError) as caught:
        await client.get_json(url)
    assert (caught.value.status, caught.value.retry_after) == (status, expected)
    with pytest.raises(HTTPStatusError):
        await client.get_bytes(url, max_bytes=1000)


async def test_retry_after_as_http_date(client: HttpClient, server: Loopback) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    url = server.document("/doc", status=503, headers={"Retry-After": when})
    with pytest.raises(HTTPStatusError) as caught:
        await client.get_json(url)
    assert caught.value.status == 503
    assert caught.value.retry_after is not None and 55 <= caught.value.retry_after <= 60


async def test_post_returns_error_status_without_raising(
    client: HttpClient, server: Loopback
) -> None:
    url = server.document("/inbox", status=503, headers={"Retry-After": "30"})
    response = await client.post(url, b"{}", signer=None)
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"


# --- signing -----------------------------------------------------------------------------------


@pytest.fixture
def signer(keypair: tuple[str, str]) -> Signer:
    """Signs as a local actor whose key id is http://127.0.0.1/actor#main-key."""
    return Signer("http://127.0.0.1/actor#main-key", keypair[0])


async def _verify(hit: Hit, server: Loopback, public_pem: str) -> tuple[str, ...]:
    async def lookup(key_id: str, _refresh: bool) -> PublicKey:
        return PublicKey(key_id, "http://127.0.0.1/actor", public_pem)

    verified = await verify_request(
        method=hit.method,
        target=hit.path_qs,
        headers=hit.headers,
        body=hit.body,
        expected_host=f"{server.host}:{server.port}",
        lookup_key=lookup,
    )
    assert verified.key_id == "http://127.0.0.1/actor#main-key"
    return verified.signed_headers


async def test_signed_get_verifies_on_arrival(
    client: HttpClient, server: Loopback, signer: Signer, keypair: tuple[str, str]
) -> None:
    url = server.document("/doc")
    await client.get_json(url + "?page=1", signer=signer, expect_id=False)
    [hit] = server.hits
    assert hit.headers["Host"] == f"127.0.0.1:{server.port}"
    assert "Date" in hit.headers
    covered = await _verify(hit, server, keypair[1])
    assert {"(request-target)", "host", "date"} <= set(covered)


async def test_signed_post_covers_the_digest(
    client: HttpClient, server: Loopback, signer: Signer, keypair: tuple[str, str]
) -> None:
    url = server.document("/inbox", status=202)
    body = b'{"type": "Follow"}'
    response = await client.post(url, body, signer=signer)
    assert response.status == 202
    [hit] = server.hits
    assert hit.body == body
    assert hit.headers["Content-Type"] == AS2
    assert hit.headers["Digest"].startswith("SHA-256=")
    covered = await _verify(hit, server, keypair[1])
    assert {"(request-target)", "host", "date", "digest"} <= set(covered)


async def test_each_redirect_hop_is_signed_for_its_own_url(
    client: HttpClient,
    server: Loopback,
    other: Loopback,
    signer: Signer,
    keypair: tuple[str, str],
) -> None:
    server.redirect("/old", other.url("/new"))
    other.document("/new")
    await client.get_json(server.url("/old"), signer=signer)
    await _verify(server.hits[0], server, keypair[1])
    await _verify(other.hits[0], other, keypair[1])


async def test_unsigned_requests_carry_no_signature(client: HttpClient, server: Loopback) -> None:
    await client.get_json(server.document("/doc"))
    await client.post(server.url("/doc"), b"{}", signer=None)
    assert all("Signature" not in hit.headers for hit in server.hits)


# --- the exception tree --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        BlockedAddress,
        TooManyRedirects,
        ResponseTooLarge,
        FetchTimeout,
        ConnectError,
        BadContentType,
        BadDocument,
        UnfetchableURL,
    ],
)
def test_every_failure_is_a_fetch_error_with_a_reason(error: type[FetchError]) -> None:
    exc = error("why", "http://x.example/")
    assert isinstance(exc, FetchError)
    assert (exc.reason, exc.url) == ("why", "http://x.example/")
    assert "why" in str(exc)
    status = HTTPStatusError("HTTP 503", "http://x.example/", 503, 5.0)
    assert isinstance(status, FetchError) and status.retry_after == 5.0
