"""The streaming API's rules: the streams a client may listen to, and who hears of each
stream event (storage.stream_events) with what payload, rendered for each listener as the
client API would render it (favourited, reblogged… as that viewer; nothing from an author the
viewer blocks or cannot read). fedi.workers.stream_hub reads the events and calls `route`.

Membership is decided when the event is passed on, from the follows of that moment: the user
stream hears of posts and boosts by the viewer and by accounts the viewer follows, and of the
viewer's notifications; the public streams of public posts (local, remote, by hashtag); a
deletion goes to every public stream and to the author's and followers' user streams."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fedi.core.services import Services
from fedi.domain import notification_reads, status_reads
from fedi.domain import scopes as scope_rules
from fedi.domain.entities.notifications import notifications
from fedi.domain.entities.statuses import one_status
from fedi.domain.records import RecordNotFound
from storage import stream_events as events
from storage.models import Account, StreamEvent

log = logging.getLogger(__name__)

USER, NOTIFICATIONS = "user", "user:notification"
PUBLIC, LOCAL, REMOTE = "public", "public:local", "public:remote"
HASHTAG, HASHTAG_LOCAL = "hashtag", "hashtag:local"
# The scopes (any of) a token needs to listen to a stream (as Mastodon's streaming server).
STATUS_SCOPES = ("read", "read:statuses")
NOTIFICATION_SCOPES = ("read", "read:notifications")
NEEDS = {
    USER: STATUS_SCOPES,
    NOTIFICATIONS: NOTIFICATION_SCOPES,
    PUBLIC: STATUS_SCOPES,
    LOCAL: STATUS_SCOPES,
    REMOTE: STATUS_SCOPES,
    HASHTAG: STATUS_SCOPES,
    HASHTAG_LOCAL: STATUS_SCOPES,
}
# Messages waiting for a listener that reads none: past this many it is dropped (closed).
QUEUE_SIZE = 500


class StreamError(Exception):
    """A stream that does not exist, lacks its tag, or is outside the token's scopes;
    `status` is the HTTP status Mastodon answers (400, 401 or 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Stream:
    """A stream, as named in the API (`hashtag` and `hashtag:local` with their tag)."""

    name: str
    tag: str | None = None

    @property
    def label(self) -> list[str]:
        """The `stream` of a WebSocket message: ["user"], ["hashtag", "art"]."""
        return [self.name] if self.tag is None else [self.name, self.tag]


def stream(name: str, tag: str | None, scopes: tuple[str, ...]) -> Stream:
    """The stream a client asks for; StreamError when it is unknown, has no tag, or the
    token's scopes do not cover it."""
    if name not in NEEDS:
        raise StreamError(400, "Unknown stream type")
    if not scope_rules.allows(scopes, NEEDS[name]):
        raise StreamError(403, "Access token does not have the required scopes")
    if name in (HASHTAG, HASHTAG_LOCAL):
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag:
            raise StreamError(400, "No tag for stream provided")
        return Stream(name, tag)
    return Stream(name)


@dataclass(frozen=True)
class Message:
    """One event for one listener: Mastodon's event name and its payload (JSON text, or
    a status id for `delete`)."""

    stream: Stream
    event: str
    payload: str


@dataclass(eq=False)
class Listener:
    """A connected client: who it is, what its token may read, the streams it listens to,
    and the queue of messages its connection sends. `closed` is set when it fell behind."""

    viewer: Account
    scopes: tuple[str, ...]
    streams: set[Stream] = field(default_factory=set)
    token_id: int | None = None  # the token it listens with; revoking it closes the listener
    queue: asyncio.Queue[Message] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def put(self, message: Message) -> None:
        """Queue a message; a listener that stopped reading is closed, not waited for."""
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.closed.set()

    def listens(self, name: str, tag: str | None = None) -> Stream | None:
        wanted = Stream(name, tag)
        return wanted if wanted in self.streams else None


def _json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


async def route(svc: Services, event: StreamEvent, listeners: Iterable[Listener]) -> None:
    """Pass one event to the listeners that hear of it."""
    listening = [listener for listener in listeners if listener.streams]
    if not listening:
        return
    if event.kind == events.NOTIFICATION:
        await _notification(svc, event, listening)
    elif event.kind == events.DELETE:
        await _deletion(svc, event, listening)
    else:
        await _status(svc, event, listening)


async def _home(svc: Services, author_id: int, listeners: list[Listener]) -> set[int]:
    """Ids of the viewers among `listeners` whose home the author's posts reach."""
    viewers = {listener.viewer.id for listener in listeners if listener.listens(USER)}
    async with svc.reads() as session:
        followers = await events.followers_among(session, author_id, viewers - {author_id})
    return followers | ({author_id} & viewers)


async def _notification(svc: Services, event: StreamEvent, listeners: list[Listener]) -> None:
    for listener in listeners:
        if listener.viewer.id != event.account_id:
            continue
        names = [name for name in (USER, NOTIFICATIONS) if listener.listens(name)]
        if not names or not scope_rules.allows(listener.scopes, NOTIFICATION_SCOPES):
            continue
        try:
            notice = await notification_reads.one(svc, listener.viewer, event.ref_id)
        except RecordNotFound:
            return  # dismissed (or withdrawn) already
        payload = _json((await notifications(svc, listener.viewer, [notice]))[0])
        for name in names:
            listener.put(Message(Stream(name), "notification", payload))


async def _deletion(svc: Services, event: StreamEvent, listeners: list[Listener]) -> None:
    async with svc.reads() as session:
        facts = await events.post_facts(session, event.ref_id)  # (a tombstone keeps them)
    home = await _home(svc, event.account_id, listeners)
    for listener in listeners:
        for wanted in deletion_targets(listener, listener.viewer.id in home, facts):
            listener.put(Message(wanted, "delete", str(event.ref_id)))


def deletion_targets(
    listener: Listener, home: bool, facts: events.PostFacts | None
) -> list[Stream]:
    """The listener's streams told of a deletion: its home if the post (or boost: facts
    None) was there; for a public post, the public streams it was on and every hashtag
    stream (its hashtags went with it). Never the notifications stream."""
    found = [Stream(USER)] if home and listener.listens(USER) else []
    if facts is None or facts.visibility != "public":
        return found
    for wanted in listener.streams:
        if wanted.name in (PUBLIC, HASHTAG):
            found.append(wanted)
        elif wanted.name in (LOCAL, HASHTAG_LOCAL) and facts.local:
            found.append(wanted)
        elif wanted.name == REMOTE and not facts.local:
            found.append(wanted)
    return found


async def _status(svc: Services, event: StreamEvent, listeners: list[Listener]) -> None:
    async with svc.reads() as session:
        facts = await events.post_facts(session, event.ref_id)  # None: a boost
    home = await _home(svc, event.account_id, listeners)
    name = "status.update" if event.kind == events.STATUS_UPDATE else "update"
    rendered: dict[int, str | None] = {}  # one rendering per viewer
    for listener in listeners:
        found = targets(listener, listener.viewer.id in home, facts)
        if not found:
            continue
        viewer = listener.viewer
        if viewer.id not in rendered:
            rendered[viewer.id] = await _rendered(svc, viewer, event.ref_id)
        payload = rendered[viewer.id]
        if payload is not None:
            for target in found:
                listener.put(Message(target, name, payload))


def targets(listener: Listener, home: bool, facts: events.PostFacts | None) -> list[Stream]:
    """The listener's streams a post (with these facts; None: a boost) belongs to."""
    found = [Stream(USER)] if home and listener.listens(USER) else []
    if facts is None or facts.visibility != "public":
        return found
    for wanted in listener.streams:
        if wanted.name == PUBLIC or (wanted.name == LOCAL and facts.local):
            found.append(wanted)
        elif wanted.name == REMOTE and not facts.local:
            found.append(wanted)
        elif wanted.tag in facts.tags and (wanted.name == HASHTAG or facts.local):
            found.append(wanted)
    return found


async def _rendered(svc: Services, viewer: Account, status_id: int) -> str | None:
    """The Status entity as the viewer sees it; None when the viewer may not see it."""
    found = await status_reads.statuses(svc, viewer, [status_id])
    return _json(await one_status(svc, viewer, found[0])) if found else None
