"""Processing received activities, one stored row at a time; every handler is safe to rerun."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from activitypub.activities import Activity, ActivityError, parse_activity
from activitypub.actors import ActorParseError
from activitypub.delivery import backoff
from activitypub.http import FetchError, HTTPStatusError
from storage import accounts
from storage import inbox as inbox_rows
from storage.models import InboxActivity

from . import follows
from .remote_posts import on_create
from .services import INSTANCE_ACTOR, Services

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


async def _follow(svc: Services, activity: Activity) -> None:
    async with svc.reads() as session:
        target = await accounts.by_uri(session, activity.object_id or "")
    if target is None or not target.is_local or target.username == INSTANCE_ACTOR:
        return
    await follows.on_follow(svc, activity, target)


async def _undo(svc: Services, activity: Activity) -> None:
    inner = activity.object or {}
    if inner.get("type") == "Follow" or activity.object_id:
        await follows.on_undo_follow(svc, activity)


async def _accept(svc: Services, activity: Activity) -> None:
    await follows.on_accept(svc, activity, accepted=True)


async def _reject(svc: Services, activity: Activity) -> None:
    await follows.on_accept(svc, activity, accepted=False)


async def _create(svc: Services, activity: Activity) -> None:
    await on_create(svc, activity)


HANDLERS: dict[str, Callable[[Services, Activity], Awaitable[None]]] = {
    "Follow": _follow,
    "Undo": _undo,
    "Accept": _accept,
    "Reject": _reject,
    "Create": _create,
}


async def process_pending(svc: Services, *, limit: int = 100) -> int:
    """Handle up to `limit` stored activities; returns how many were taken."""
    async with svc.reads() as session:
        rows = await inbox_rows.pending(session, limit=limit)
    # In arrival order (a Follow before its Undo). Running different actors' activities side
    # by side was tried: on SQLite it took throughput from the inbox without adding much here.
    done: list[int] = []
    try:
        for row in rows:
            if await _handle(svc, row):
                done.append(row.id)
    finally:
        # One statement for the batch; if we crash before it, the handlers (all idempotent)
        # run again after restart.
        await inbox_rows.finish_done(svc.sessions, done)
    return len(rows)


async def _handle(svc: Services, row: InboxActivity) -> bool:
    """Run the row's handler; True if it is done, else its error or retry is recorded."""
    error, final = None, True
    try:
        activity = parse_activity(row.payload)
        handler = HANDLERS.get(activity.type)
        if handler is not None:
            await handler(svc, activity)
    except (ActivityError, ActorParseError) as exc:
        error = f"rejected: {exc}"
    except HTTPStatusError as exc:
        error, final = f"fetch failed: {exc}", exc.status < 500 and exc.status != 429
    except FetchError as exc:
        error, final = f"fetch failed: {exc}", False
    except Exception as exc:  # a bug must not stop the worker or loop on one row
        log.exception("inbox activity %s crashed", row.uri)
        error, final = f"crashed: {exc!r}", False
    if error is None:
        return True
    if not final and row.attempts + 1 >= MAX_ATTEMPTS:
        final = True
    log.info("inbox activity %s: %s", row.uri, error)
    retry_in = None if final else backoff(row.attempts + 1)
    await inbox_rows.finish(svc.sessions, row.id, error=error, retry_in=retry_in)
    return False


async def run(svc: Services, stop: asyncio.Event) -> None:
    """Worker loop: process stored activities whenever the inbox wakes it (or every few s)."""
    while not stop.is_set():
        svc.inbox_wakeup.clear()
        try:
            taken = await process_pending(svc)
        except Exception:
            log.exception("inbox worker failed; retrying")
            taken = 0
        if taken:
            continue
        try:
            await asyncio.wait_for(svc.inbox_wakeup.wait(), timeout=2.0)
        except TimeoutError:
            pass
