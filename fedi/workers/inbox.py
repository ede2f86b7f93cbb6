"""Processing received activities in arrival order, by the handlers `fedi.workers.handlers`
names; every handler is safe to rerun."""

from __future__ import annotations

import asyncio
import itertools
import logging
from urllib.parse import urlsplit

from activitypub.activities import Activity, ActivityError, parse_activity
from activitypub.actors import ActorParseError
from activitypub.delivery import backoff
from activitypub.http import BadContentType, BadDocument, FetchError, HTTPStatusError
from fedi.core.services import Services
from fedi.workers import handlers
from storage import inbox as inbox_rows
from storage.models import InboxActivity

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 500  # activities taken per run
GATHER = 0.1  # seconds to let arrivals gather between partial runs


async def process_pending(svc: Services, *, limit: int = 100) -> int:
    """Handle up to `limit` stored activities; returns how many were taken."""
    async with svc.reads() as session:
        rows = await inbox_rows.pending(session, limit=limit)
    taken = len(rows)
    # A domain blocked after these arrived: dropped now, unhandled (the block ended follows).
    dropped = {row.id for row in rows if await svc.domain_blocked(urlsplit(row.actor_uri).netloc)}
    rows = [row for row in rows if row.id not in dropped]
    # In arrival order (a Follow before its Undo); consecutive Creates are stored together,
    # which costs a few queries for the run instead of a few per post.
    done: list[int] = list(dropped)
    try:
        for creates, run_of_rows in itertools.groupby(rows, key=_is_create):
            if creates:
                done.extend(await _handle_creates(svc, list(run_of_rows)))
                continue
            for row in run_of_rows:
                if await _handle(svc, row):
                    done.append(row.id)
    finally:
        # One statement for the batch; if we crash before it, the handlers (all idempotent)
        # run again after restart.
        await inbox_rows.finish_done(svc.sessions, done)
    return taken


def _is_create(row: InboxActivity) -> bool:
    return row.activity_type == "Create"


async def _handle(svc: Services, row: InboxActivity) -> bool:
    """Run the row's handler; True if it is done, else its error or retry is recorded."""
    try:
        activity = parse_activity(row.payload)
        handler = handlers.HANDLERS.get(activity.type)
        if handler is not None:
            await handler(svc, activity)
    except Exception as exc:  # a bug must not stop the worker or loop on one row
        await _failed(svc, row, exc)
        return False
    return True


async def _handle_creates(svc: Services, rows: list[InboxActivity]) -> list[int]:
    """Store a run of Creates together; returns the ids of the rows done."""
    parsed: list[tuple[InboxActivity, Activity]] = []
    for row in rows:
        try:
            parsed.append((row, parse_activity(row.payload)))
        except ActivityError as exc:
            await _failed(svc, row, exc)
    outcomes: list[Exception | None]
    try:
        # Creates only for local users who block their author are not kept (see handlers).
        outcomes = await handlers.creates(svc, [a for _, a in parsed])
    except Exception as exc:  # the whole run failed (a bug, the database): each is retried
        outcomes = [exc] * len(parsed)
    done = []
    for (row, _), outcome in zip(parsed, outcomes, strict=True):
        if outcome is None:
            done.append(row.id)
        else:
            await _failed(svc, row, outcome)
    return done


async def _failed(svc: Services, row: InboxActivity, exc: Exception) -> None:
    """Record why a row failed: for good, or to be retried with backoff."""
    final = True
    if isinstance(exc, ActivityError | ActorParseError):
        error = f"rejected: {exc}"
    elif isinstance(exc, BadDocument | BadContentType):
        error = f"fetch failed: {exc}"  # the origin serves something else: final
    elif isinstance(exc, HTTPStatusError):
        error, final = f"fetch failed: {exc}", exc.status < 500 and exc.status != 429
    elif isinstance(exc, FetchError):
        error, final = f"fetch failed: {exc}", False
    else:
        log.error("inbox activity %s crashed", row.uri, exc_info=exc)
        error, final = f"crashed: {exc!r}", False
    if not final and row.attempts + 1 >= MAX_ATTEMPTS:
        final = True
    log.info("inbox activity %s: %s", row.uri, error)
    retry_in = None if final else backoff(row.attempts + 1)
    await inbox_rows.finish(svc.sessions, row.id, error=error, retry_in=retry_in)


async def run(svc: Services, stop: asyncio.Event) -> None:
    """Worker loop: process stored activities whenever the inbox wakes it (or every few s)."""
    while not stop.is_set():
        svc.inbox_wakeup.clear()
        try:
            taken = await process_pending(svc, limit=BATCH)
        except Exception:
            log.exception("inbox worker failed; retrying")
            taken = 0
        if taken == BATCH:
            continue  # a backlog: straight on
        if taken:
            # Activities are arriving: let a few more gather, so the next run stores them
            # together (a Create costs less in a run) and the inbox keeps the CPU meanwhile.
            await asyncio.sleep(GATHER)
            continue
        try:
            await asyncio.wait_for(svc.inbox_wakeup.wait(), timeout=2.0)
        except TimeoutError:
            pass
