"""A fake origin server for fetch tests: carol and dave on 127.0.0.1, each with a chain of
notes in which note n answers note n-1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from fedi.core.services import Services
from fedi.domain.accounts import ensure_instance_actor

from .peer import PeerActor
from .servers import free_port

AS = "https://www.w3.org/ns/activitystreams"
START = datetime(2026, 11, 1, tzinfo=UTC)  # note n is published n minutes after this


class Origin:
    """A fake server hosting carol and dave, each with a reply chain: note n answers n-1."""

    def __init__(self, keypair: tuple[str, str], length: int) -> None:
        self.port = free_port()
        base = f"http://127.0.0.1:{self.port}"
        self.carol, self.dave = (
            PeerActor("carol", base, *keypair),
            PeerActor("dave", base, *keypair),
        )
        self.length = length
        self.missing: set[int] = set()
        self.hanging: set[int] = set()  # notes whose answer never comes while it runs
        self._stopping = asyncio.Event()
        self.asked: list[int] = []
        self._runner: web.AppRunner | None = None

    def url(self, n: int, author: str = "carol") -> str:
        """The id of the author's note n."""
        return f"{self.carol.base}/users/{author}/notes/{n}"

    async def start(self) -> None:
        """Listen on 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/users/{name:carol|dave}", self._actor)
        app.router.add_get("/users/{name:carol|dave}/notes/{n}", self._note)
        app.router.add_get("/@{name:carol|dave}/{n}", self._page)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        """Stop listening (a hanging request is let go first)."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _actor(self, request: web.Request) -> web.Response:
        actor = self.carol if request.match_info["name"] == "carol" else self.dave
        return web.json_response(actor.document(), content_type="application/activity+json")

    def page(self, n: int, author: str = "carol") -> str:
        """The page URL of the author's note n (Mastodon's /@user/ID)."""
        return f"{self.carol.base}/@{author}/{n}"

    async def _page(self, request: web.Request) -> web.Response:
        """Note n under its own id, as Mastodon serves a status at its page URL (even when the
        Note's own URL is missing); its content says "page" so that tests can tell which of
        the two documents was used."""
        doc = self._document(int(request.match_info["n"]), request.match_info["name"])
        doc["content"] = doc["content"].replace("note", "page")
        return web.json_response(doc, content_type="application/activity+json")

    async def _note(self, request: web.Request) -> web.Response:
        n, author = int(request.match_info["n"]), request.match_info["name"]
        self.asked.append(n)
        if n in self.hanging:
            await self._stopping.wait()
        if n in self.missing or n >= self.length:
            return web.Response(status=404)
        return web.json_response(
            self._document(n, author), content_type="application/activity+json"
        )

    def _document(self, n: int, author: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "@context": AS,
            "id": self.url(n, author),
            "type": "Note",
            "attributedTo": f"{self.carol.base}/users/{author}",
            "content": f"<p>note {n}</p>",
            "published": (START + timedelta(minutes=n)).isoformat(),
            "to": [f"{AS}#Public"],
        }
        if n > 0:
            doc["inReplyTo"] = self.url(n - 1, author)
        return doc


@asynccontextmanager
async def running_origin(
    svc: Services, keypair: tuple[str, str], length: int
) -> AsyncIterator[Origin]:
    """An Origin with `length` notes per chain, listening; the instance actor exists to sign
    the fetches."""
    await ensure_instance_actor(svc)
    host = Origin(keypair, length)
    await host.start()
    try:
        yield host
    finally:
        await host.stop()
