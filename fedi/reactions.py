"""Likes and boosts arriving from other servers, and their Undo.

A reaction is kept when it is on a post we have; only its author may undo it (the Undo's actor
must be the one who liked or boosted). Both are idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from activitypub.activities import Activity
from activitypub.urls import ids_equal
from storage import accounts, notifications, posts, reactions

from .remote import get_actor
from .services import Services

KINDS = {"Like": reactions.LIKE, "Announce": reactions.ANNOUNCE}
NOTIFY = {"Like": notifications.LIKE, "Announce": notifications.BOOST}


async def on_reaction(svc: Services, activity: Activity) -> None:
    """Like or Announce of a post of ours (or one we stored): recorded once."""
    if activity.object_id is None:
        return
    async with svc.reads() as session:
        post = await posts.by_uri(session, activity.object_id)
    if post is None or post.deleted_at is not None:
        return  # not a post we know: Mastodon drops these too
    actor = await get_actor(svc, activity.actor)
    async with svc.sessions.begin() as session:
        added = await reactions.add(session, KINDS[activity.type], activity.id, actor.id, post.id)
        if added and post.local:
            await notifications.add(
                session,
                account_id=post.account_id,
                kind=NOTIFY[activity.type],
                from_account_id=actor.id,
                source_uri=activity.id,
                post_id=post.id,
            )


async def on_undo_reaction(svc: Services, activity: Activity, inner: Mapping[str, Any]) -> None:
    """Undo(Like) or Undo(Announce): only the reaction's own author may take it back."""
    inner_actor = inner.get("actor")
    if isinstance(inner_actor, str) and not ids_equal(inner_actor, activity.actor):
        return  # someone undoing another's reaction
    target = inner.get("object")
    async with svc.reads() as session:
        account = await accounts.by_uri(session, activity.actor)
        post = await posts.by_uri(session, target) if isinstance(target, str) else None
    if account is None:
        return  # never seen: nothing of theirs to undo
    kind = str(inner["type"])
    async with svc.sessions.begin() as session:
        undone = await reactions.remove(
            session,
            KINDS[kind],
            account.id,
            uri=activity.object_id,
            post_id=post.id if post is not None else None,
        )
        for post_id in undone:
            await notifications.withdraw(session, NOTIFY[kind], account.id, post_id)
