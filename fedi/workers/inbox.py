"""Processing received activities, one stored row at a time; every handler is safe to rerun."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from activitypub.activities import Activity, ActivityError, parse_activity
from activitypub.actors import ActorParseError
from activitypub.delivery import backoff
from activitypub.http import BadContentType, BadDocument, FetchError, HTTPStatusError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain import accounts as domain_accounts
from fedi.domain import blocks, deletes, edits, follows, reactions
from fedi.domain.remote_posts import on_creates
from storage import accounts
from storage import inbox as inbox_rows
from storage.models import InboxActivity

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 500  # activities taken per run
GATHER = 0.1  # seconds to let arrivals gather between partial runs


async def _follow(svc: Services, activity: Activity) -> None:
    async with svc.reads() as session:
        target = await accounts.by_uri(session, activity.object_id or "")
    if target is None or not target.is_local or target.username == INSTANCE_ACTOR:
        return
    await follows.on_follow(svc, activity, target)


async def _undo(svc: Services, activity: Activity) -> None:
    inner = activity.object or {}
    kind = inner.get("type")
    if kind in reactions.KINDS:
        await reactions.on_undo_reaction(svc, activity, inner)
    elif kind == "Follow":
        await follows.on_undo_follow(svc, activity)
    elif kind == "Block":
        await blocks.on_undo_block(svc, activity)
    elif kind is None and activity.object_id:  # only the id: whichever of ours it names
        await follows.on_undo_follow(svc, activity)
        await blocks.on_undo_block(svc, activity)
        for name in reactions.KINDS:
            await reactions.on_undo_reaction(svc, activity, {"type": name})


async def _delete(svc: Services, activity: Activity) -> None:
    await deletes.on_delete(svc, activity)


async def _accept(svc: Services, activity: Activity) -> None:
    await follows.on_accept(svc, activity, accepted=True)


async def _reject(svc: Services, activity: Activity) -> None:
    await follows.on_accept(svc, activity, accepted=False)


async def _update(svc: Services, activity: Activity) -> None:
    await domain_accounts.on_update_actor(svc, activity)  # ignores anything but an actor
    await edits.on_update_note(svc, activity)  # ignores anything but a note we have


async def _block(svc: Services, activity: Activity) -> None:
    await blocks.on_block(svc, activity)


HANDLERS: dict[str, Callable[[Services, Activity], Awaitable[None]]] = {
    "Follow": _follow,
    "Undo": _undo,
    "Accept": _accept,
    "Reject": _reject,
    "Update": _update,
    "Block": _block,
    "Delete": _delete,
    "Like": reactions.on_like,
    "Announce": reactions.on_announce,
}  # Create: stored in runs, by `on_creates`


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
        handler = HANDLERS.get(activity.type)
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
        # Creates only for local users who block their author are not kept (fedi.blocks).
        outcomes = await blocks.unless_blocked(svc, [a for _, a in parsed], on_creates)
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
