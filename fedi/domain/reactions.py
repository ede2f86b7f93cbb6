"""Likes and boosts arriving from other servers, and their Undo.

A reaction is kept when it is on a post we have; a boost by an account someone here follows
fetches the post it shares first. Only its author may undo a reaction (the Undo's actor must be
the one who liked or boosted). Both are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from activitypub.activities import Activity
from activitypub.urls import ids_equal
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.lookup import find_post
from fedi.federation.actors import get_actor
from storage import accounts, blocks, notifications, posts, reactions, timelines
from storage.models import Post

log = logging.getLogger(__name__)
KINDS = {"Like": reactions.LIKE, "Announce": reactions.ANNOUNCE}
NOTIFY = {"Like": notifications.LIKE, "Announce": notifications.BOOST}


async def on_reaction(svc: Services, activity: Activity) -> None:
    """Like or Announce of a post of ours (or one we stored): recorded once."""
    if activity.object_id is None:
        return
    post = await _stored_post(svc, activity.object_id)
    if post is None and activity.type == "Announce":
        post = await _boosted_post(svc, activity, activity.object_id)
    if post is None or post.deleted_at is not None:
        return  # not a post we know: Mastodon drops these too
    actor = await get_actor(svc, activity.actor)
    async with svc.sessions.begin() as session:
        if post.local and await blocks.blocks(session, post.account_id, actor.id):
            return  # Mastodon drops a blocked account's likes and boosts of the blocker's posts
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


async def _stored_post(svc: Services, reference: str) -> Post | None:
    """A post we have, named by its id or (as Pixelfed names what it boosts) by its page URL;
    Mastodon's StatusFinder resolves both."""
    try:
        return await find_post(svc, reference, fetch=False)
    except UserError:
        return None


async def _boosted_post(svc: Services, activity: Activity, uri: str) -> Post | None:
    """The post a boost shares, fetched from its origin when the booster is followed here (so
    the boost reaches home timelines, as in Mastodon); None for anyone else's boosts."""
    async with svc.reads() as session:
        booster = await accounts.by_uri(session, activity.actor)
        if booster is None or not await timelines.followed_here(session, booster.id):
            return None
    try:
        return await find_post(svc, uri)  # the id check and the origin rule live there
    except UserError as exc:  # gone, blocked, unreachable or not a note: the boost is dropped
        log.info("boost %s of %s dropped: %s", activity.id, uri, exc)
        return None


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
