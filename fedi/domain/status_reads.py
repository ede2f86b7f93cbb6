"""Reading statuses for a viewer: one or several by id (a post's, or a boost's), a post's
thread, and who liked or boosted it. The client API serves these; the CLI could too."""

from __future__ import annotations

from collections.abc import Sequence

from fedi.core.services import Services
from fedi.domain import threads
from fedi.domain.records import RecordNotFound
from storage import feeds, people, reactions
from storage import threads as stored_threads
from storage.models import Account
from storage.timelines import Entry, Window

# A signed-in viewer's context may wait this long for missing ancestors fetched from their
# servers; an anonymous request never makes this server fetch anything.
CONTEXT_FETCH_BUDGET = 3.0


def _id(viewer: Account | None) -> int | None:
    return viewer.id if viewer is not None else None


async def statuses(svc: Services, viewer: Account | None, ids: Sequence[int]) -> list[Entry]:
    """The posts and boosts with these ids that the viewer may see, in the order asked, each
    once; the others are left out."""
    wanted = list(dict.fromkeys(ids))
    async with svc.reads() as session:
        found = await stored_threads.shown_posts(session, _id(viewer), wanted)
        missing = [key for key in wanted if key not in found]
        found.update(await feeds.boosts_by_id(session, _id(viewer), missing))
    return [found[key] for key in wanted if key in found]


async def status(svc: Services, viewer: Account | None, status_id: int) -> Entry:
    """The post or boost with this id; RecordNotFound unless the viewer may see it."""
    found = await statuses(svc, viewer, [status_id])
    if not found:
        raise RecordNotFound(f"no status {status_id}")
    return found[0]


async def post(svc: Services, viewer: Account | None, status_id: int) -> Entry:
    """The post (not a boost) with this id; RecordNotFound unless the viewer may see it."""
    async with svc.reads() as session:
        found = await stored_threads.shown_posts(session, _id(viewer), [status_id])
    if status_id not in found:
        raise RecordNotFound(f"no status {status_id}")
    return found[status_id]


async def context(svc: Services, viewer: Account | None, status_id: int) -> threads.Thread:
    """The thread around a post: what it answers, root first, and the replies below it."""
    entry = await post(svc, viewer, status_id)
    if viewer is not None:
        return await threads.thread(svc, viewer, entry.post, budget=CONTEXT_FETCH_BUDGET)
    chain = await threads.ancestors(svc, entry.post, budget=0.0)  # stored posts only
    async with svc.reads() as session:
        visible = await stored_threads.shown_posts(session, None, [p.id for p in chain])
        below = await stored_threads.descendants(session, None, entry.post)
    return threads.Thread([visible[p.id] for p in chain if p.id in visible], entry, below)


async def reactors(
    svc: Services, viewer: Account | None, status_id: int, window: Window, *, kind: str
) -> list[tuple[int, Account]]:
    """(reaction id, account) of those who liked (`reactions.LIKE`) or boosted
    (`reactions.ANNOUNCE`) a post the viewer may see, newest first."""
    await post(svc, viewer, status_id)
    async with svc.reads() as session:
        return await people.reactors(session, status_id, kind, window, viewer_id=_id(viewer))


async def boost_by_uri(svc: Services, viewer: Account | None, uri: str) -> Entry:
    """The boost whose Announce has this id, as the viewer sees it (its reblog Status)."""
    async with svc.reads() as session:
        found = await reactions.by_uri(session, uri)
        boosts = await feeds.boosts_by_id(session, _id(viewer), [found.id] if found else [])
    if not boosts:
        raise RecordNotFound(f"no boost {uri}")
    return next(iter(boosts.values()))
