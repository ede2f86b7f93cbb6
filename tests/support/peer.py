"""A fake fediverse peer on 127.0.0.1: serves actor documents and records what its inboxes get.

It stands in for a remote server in the inbox-security and durability tests; the two-Impasto
end-to-end test uses real Impasto servers on both sides instead.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import aiohttp
from aiohttp import web

from activitypub.keys import generate_rsa_keypair
from activitypub.objects import CONTEXT
from activitypub.signatures import Signer

from .servers import free_port


@dataclass
class PeerActor:
    """An actor the peer hosts, with its key pair."""

    name: str
    base: str
    private_pem: str
    public_pem: str
    shared_inbox: bool = True
    display_name: str | None = None  # default: the name, title-cased
    handle: str | None = None  # the WebFinger subject; default: name@this peer
    summary: str | None = None  # the bio, as HTML; none by default
    icon: str | None = None  # the avatar's URL (say the peer's /files/NAME); none by default
    image: str | None = None  # the header picture's URL; none by default

    @property
    def id(self) -> str:
        """Actor id."""
        return f"{self.base}/users/{self.name}"

    @property
    def key_id(self) -> str:
        """Key id, Mastodon style."""
        return f"{self.id}#main-key"

    @cached_property
    def signer(self) -> Signer:
        """A signer with this actor's key (loaded once: loading a private key is slow)."""
        return Signer(self.key_id, self.private_pem)

    def document(self) -> dict[str, Any]:
        """The actor document, shaped like Mastodon's."""
        doc: dict[str, Any] = {
            "@context": CONTEXT,
            "id": self.id,
            "type": "Person",
            "preferredUsername": self.name,
            "name": self.display_name or self.name.title(),
            "inbox": f"{self.id}/inbox",
            "outbox": f"{self.id}/outbox",
            "followers": f"{self.id}/followers",
            "url": f"{self.base}/@{self.name}",
            "publicKey": {"id": self.key_id, "owner": self.id, "publicKeyPem": self.public_pem},
        }
        if self.summary is not None:
            doc["summary"] = self.summary
        for key, url in (("icon", self.icon), ("image", self.image)):
            if url is not None:  # as Mastodon gives them
                doc[key] = {"type": "Image", "mediaType": "image/png", "url": url}
        if self.shared_inbox:
            doc["endpoints"] = {"sharedInbox": f"{self.base}/inbox"}
        return doc


@dataclass
class Received:
    """One POST a peer inbox received."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


@dataclass
class Peer:
    """The fake server on 127.0.0.1:port (0: a free port). Add actors after start()."""

    port: int = 0
    actors: dict[str, PeerActor] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    inbox_status: int = 202
    inbox_delay: float = 0.0  # seconds each inbox POST waits before it is answered
    redirects: dict[str, str] = field(default_factory=dict)  # actor name -> where GET goes
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # /files/NAME: body, type
    file_errors: dict[str, list[int]] = field(default_factory=dict)  # statuses answered first
    file_gates: dict[str, asyncio.Event] = field(default_factory=dict)  # wait for it to answer
    file_requests: list[str] = field(default_factory=list)  # names asked for, in order
    file_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set by each request
    _runner: web.AppRunner | None = None
    _keys: tuple[str, str] | None = None

    @property
    def base(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def add_actor(
        self, name: str, *, shared_inbox: bool = True, keys: tuple[str, str] | None = None
    ) -> PeerActor:
        """Host a new actor (reusing one key pair for speed unless `keys` is given)."""
        if keys is None:
            self._keys = self._keys or generate_rsa_keypair()
            keys = self._keys
        actor = PeerActor(name, self.base, keys[0], keys[1], shared_inbox)
        self.actors[name] = actor
        return actor

    async def start(self) -> Peer:
        """Listen on 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/users/{name}", self._actor)
        app.router.add_post("/users/{name}/inbox", self._inbox)
        app.router.add_post("/inbox", self._inbox)
        app.router.add_get("/.well-known/webfinger", self._webfinger)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        if self.port == 0:
            self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _actor(self, request: web.Request) -> web.Response:
        if request.match_info["name"] in self.redirects:
            raise web.HTTPFound(self.redirects[request.match_info["name"]])
        actor = self.actors.get(request.match_info["name"])
        if actor is None:
            return web.Response(status=404)
        return web.json_response(actor.document(), content_type="application/activity+json")

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.file_requests.append(name)
        self.file_asked.set()
        if name in self.file_gates:
            await self.file_gates[name].wait()
        if self.file_errors.get(name):
            return web.Response(status=self.file_errors[name].pop(0))
        found = self.files.get(name)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    async def _inbox(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(Received(request.path, dict(request.headers), body))
        await asyncio.sleep(self.inbox_delay)
        return web.Response(status=self.inbox_status)

    async def _webfinger(self, request: web.Request) -> web.Response:
        name = request.query.get("resource", "").removeprefix("acct:").split("@")[0]
        actor = self.actors.get(name)
        if actor is None:
            return web.Response(status=404)
        doc = {
            "subject": f"acct:{actor.handle or f'{name}@127.0.0.1:{self.port}'}",
            "links": [{"rel": "self", "type": "application/activity+json", "href": actor.id}],
        }
        return web.json_response(doc, content_type="application/jrd+json")


async def deliver(actor: PeerActor, inbox: str, activity: dict[str, Any]) -> int:
    """POST an activity to an inbox, signed by `actor` as Mastodon signs; returns the status."""
    body = json.dumps(activity).encode()
    headers = {
        **actor.signer.sign("POST", inbox, body),
        "Content-Type": "application/activity+json",
    }
    async with aiohttp.ClientSession() as session:
        async with session.post(inbox, data=body, headers=headers) as response:
            return response.status


def activity(kind: str, actor: PeerActor, obj: Any, n: int) -> dict[str, Any]:
    """An activity by `actor`, its id unique per (kind, n): Like, Undo, Delete, Accept …"""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.id}#{kind.lower()}/{n}",
        "type": kind,
        "actor": actor.id,
        "object": obj,
    }
