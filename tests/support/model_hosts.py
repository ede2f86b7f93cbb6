"""Loopback fakes of a hosted model: the Replicate API (127.0.0.1) and its output host (127.0.0.2).

`FakeReplicate` answers the parts of api.replicate.com the backend uses, each test scripting the
prediction's lifecycle; `OutputHost` is the CDN the model's output URL points at, recording every
request so a test can show no token reached it (it is also the OpenAI tests' output host).

Async tests start them on their own loop (`FakeReplicate.running()`, `OutputHost.running()`).
End-to-end tests call `run_cli`, which runs `asyncio.run` in the test's thread and blocks it, so
`hosts_in_thread()` serves both from an event loop in a background thread instead.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestServer
from PIL import Image

from generators.base import BackendContext

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def loopback_only(ip: str) -> bool:
    """The address rule the tests lend the backends: the fakes live on 127.0.0.0/8."""
    return ip.startswith("127.")


LOOPBACK = BackendContext(address_allowed=loopback_only)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    """A small real image."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=fmt)
    return out.getvalue()


PNG = image_bytes()


@dataclass(frozen=True)
class Seen:
    """One request as a fake server received it."""

    method: str
    path: str
    headers: dict[str, str]


class OutputHost:
    """A loopback image host on 127.0.0.2 recording every request; routes are per test."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.routes: dict[str, Handler] = {}
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self.server = TestServer(app, host="127.0.0.2")

    def url(self, path: str) -> str:
        """The absolute URL of a path on this host."""
        return str(self.server.make_url(path))

    def serve(self, path: str, body: bytes, content_type: str = "image/png", **headers: str) -> str:
        """Serve fixed bytes at `path`; returns its URL."""

        async def handler(_request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, headers={"Content-Type": content_type, **headers})

        self.routes[path] = handler
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        """Redirect `path` to `location`; returns its URL."""

        async def handler(_request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound(location)

        self.routes[path] = handler
        return self.url(path)

    def secrets_seen(self, *secrets: str) -> list[str]:
        """Header lines that carried any of the secrets, or a credential header at all."""
        return [
            f"{name}: {value}"
            for seen in self.requests
            for name, value in seen.headers.items()
            if name.lower() in {"authorization", "cookie", "proxy-authorization"}
            or any(secret in value for secret in secrets)
        ]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(Seen(request.method, request.path, dict(request.headers)))
        handler = self.routes.get(request.path)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[OutputHost]:
        """Start a host for the duration of a test."""
        host = cls()
        await host.server.start_server()
        try:
            yield host
        finally:
            await host.server.close()


class FakeReplicate:
    """The parts of api.replicate.com the backend uses; each test scripts the lifecycle."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.bodies: list[Any] = []
        self.statuses = ["starting", "processing", "succeeded"]  # one per create/poll
        self.model = "black-forest-labs/flux-schnell"  # what the predictions say ran
        self.output: Any = None
        self.error: str | None = None
        self.logs = ""
        self.create_reply: web.Response | None = None
        self.create_delay = 0.0
        self.poll_reply: web.Response | None = None
        self.cancels: list[str] = []
        self._polls = 0
        app = web.Application()
        app.router.add_post("/v1/models/{owner}/{name}/predictions", self._create)
        app.router.add_post("/v1/predictions", self._create)
        app.router.add_get("/v1/predictions/{id}", self._get)
        app.router.add_post("/v1/predictions/{id}/cancel", self._cancel)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        """Where the backend should send its API calls."""
        return str(self.server.make_url("")).rstrip("/")

    def _prediction(self, status: str) -> dict[str, Any]:
        return {
            "id": "pred-123",
            "model": self.model,
            "version": "dp-4d0bcc010b3049749a251855f12800be",
            "status": status,
            "input": self.bodies[0].get("input") if self.bodies else {},
            "output": self.output if status == "succeeded" else None,
            "error": self.error if status == "failed" else None,
            "logs": self.logs,
            "metrics": {},
            "created_at": "2025-01-01T00:00:00Z",
            "urls": {"get": f"{self.base_url}/v1/predictions/pred-123"},
        }

    def _record(self, request: web.Request) -> None:
        self.requests.append(Seen(request.method, request.path, dict(request.headers)))

    async def _create(self, request: web.Request) -> web.Response:
        self._record(request)
        self.bodies.append(await request.json())
        await asyncio.sleep(self.create_delay)
        if self.create_reply is not None:
            return self.create_reply
        return web.json_response(self._prediction(self.statuses[0]), status=201)

    async def _get(self, request: web.Request) -> web.Response:
        self._record(request)
        self._polls += 1
        if self.poll_reply is not None:
            return self.poll_reply
        status = self.statuses[min(self._polls, len(self.statuses) - 1)]
        if self.cancels:
            status = "canceled"
        return web.json_response(self._prediction(status))

    async def _cancel(self, request: web.Request) -> web.Response:
        self._record(request)
        self.cancels.append(request.match_info["id"])
        return web.json_response(self._prediction("canceled"))

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FakeReplicate]:
        """Start the fake API for the duration of a test."""
        fake = cls()
        await fake.server.start_server()
        try:
            yield fake
        finally:
            await fake.server.close()


class LoopThread:
    """An event loop running in a daemon thread; `run` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run `coro` on the background loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        """Stop the loop, join the thread, close the loop."""
        self.run(self.loop.shutdown_asyncgens())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@contextmanager
def hosts_in_thread() -> Iterator[tuple[FakeReplicate, OutputHost]]:
    """A fake Replicate API and an output host, served from a background thread's loop.

    Script them from the test thread before the code under test runs (their state is plain
    Python objects; the background loop only reads it while answering requests).
    """
    background = LoopThread()
    try:

        async def make() -> tuple[FakeReplicate, OutputHost]:
            return FakeReplicate(), OutputHost()

        async def start() -> None:
            await api.server.start_server()
            await host.server.start_server()

        async def stop() -> None:  # closing a server that never started does nothing
            await api.server.close()
            await host.server.close()

        api, host = background.run(make())
        try:
            background.run(start())
            yield api, host
        finally:
            background.run(stop())
    finally:
        background.close()
