"""One hub per server process: it reads the new stream events every `poll_interval` seconds
(one small query however many clients are connected, and whichever process wrote them: the
web, a worker or `impasto post`), and passes each to the connected listeners
(fedi.domain.streaming). A listener is a queue; an idle connection costs no database work."""

from __future__ import annotations

import asyncio
import logging
import time

from fedi.core.services import Services
from fedi.domain import streaming
from storage import stream_events

log = logging.getLogger(__name__)

# Events are read again for this many seconds after their id was taken: a transaction that
# commits later than that is not streamed (its changes are still in the timelines).
LOOKBACK = 10.0
KEEP = 600.0  # seconds an event is kept before it is pruned
PRUNE_EVERY = 60.0


class Hub:
    """The process's connected listeners and the loop that feeds them."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.listeners: set[streaming.Listener] = set()
        self._last = 0
        self._seen: dict[int, None] = {}  # ids read in the lookback window, oldest first

    def add(self, listener: streaming.Listener) -> None:
        self.listeners.add(listener)

    def remove(self, listener: streaming.Listener) -> None:
        self.listeners.discard(listener)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set."""
        interval = self.svc.settings.server.stream_poll_interval
        async with self.svc.reads() as session:
            self._last = await stream_events.newest_id(session)
        pruned = checked = time.monotonic()
        while not stop.is_set():
            try:
                await self.poll()
                if time.monotonic() - checked > self.svc.settings.server.stream_heartbeat:
                    checked = time.monotonic()
                    await self.close_revoked()
                if time.monotonic() - pruned > PRUNE_EVERY:
                    pruned = time.monotonic()
                    async with self.svc.sessions.begin() as session:
                        await stream_events.prune(session, KEEP)
            except Exception:
                log.exception("stream hub failed; retrying")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass

    async def close_revoked(self) -> int:
        """Close the listeners whose token was revoked since they connected (one query for
        all of them, every heartbeat); returns how many."""
        listening = [item for item in self.listeners if item.token_id is not None]
        async with self.svc.reads() as session:
            revoked = await stream_events.revoked_among(
                session, {item.token_id for item in listening if item.token_id is not None}
            )
        closing = [item for item in listening if item.token_id in revoked]
        for listener in closing:
            listener.closed.set()
            self.remove(listener)
        return len(closing)

    async def poll(self) -> int:
        """Pass on the events not passed on yet; returns how many there were."""
        async with self.svc.reads() as session:
            found = await stream_events.since(session, self._last, LOOKBACK)
        fresh = [event for event in found if event.id not in self._seen]
        if found:
            floor = found[0].id
            self._seen = {key: None for key in self._seen if key >= floor}
        for event in fresh:
            self._seen[event.id] = None
            self._last = max(self._last, event.id)
            try:
                await streaming.route(self.svc, event, list(self.listeners))
            except Exception:
                log.exception("stream event %s (%s) not passed on", event.id, event.kind)
        # Listeners that fell behind are closed; their connections end, and they go from here
        # even if a connection has not noticed yet.
        self.listeners = {item for item in self.listeners if not item.closed.is_set()}
        return len(fresh)
