"""The table of incoming activity types -> the domain handlers that take them.

A type not named here is stored and ignored. Every handler is safe to run twice. Create is not
in the table: the inbox worker takes runs of Creates together (`creates`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain import accounts, blocks, deletes, edits, follows, reactions, remote_posts

Handler = Callable[[Services, Activity], Awaitable[None]]


async def _undo(svc: Services, activity: Activity) -> None:
    """Undo, by what it takes back: a reaction, a follow or a block."""
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


async def _update(svc: Services, activity: Activity) -> None:
    """Update of an actor (its profile or key) or of a note."""
    await accounts.on_update_actor(svc, activity)  # ignores anything but an actor
    await edits.on_update_note(svc, activity)  # ignores anything but a note we have


HANDLERS: dict[str, Handler] = {
    "Follow": follows.on_follow,
    "Accept": follows.on_accept,
    "Reject": follows.on_reject,
    "Undo": _undo,
    "Update": _update,
    "Block": blocks.on_block,
    "Delete": deletes.on_delete,
    "Like": reactions.on_like,
    "Announce": reactions.on_announce,
}


async def creates(svc: Services, activities: list[Activity]) -> list[Exception | None]:
    """A run of Creates: those meant only for local users who block their author are done,
    not kept; the others are stored together. Returns an outcome per activity."""
    return await blocks.unless_blocked(svc, activities, remote_posts.on_creates)
