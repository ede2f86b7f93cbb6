"""Likes and boosts both ways, and their Undo, federated the way Mastodon does them.

A local user's:
- Like goes to the post's author only (Mastodon's FavouriteService); a local author is told
  by a notification instead.
- Announce is public, cc the author and the booster's followers, and goes to the booster's
  followers and the author (Mastodon's ReblogService).
- Undo embeds the original activity and goes wherever it went.

From other servers: a reaction is kept when it is on a post we have; a boost by an account
someone here follows fetches the post it shares first. Only its author may undo a reaction
(the Undo's actor must be the one who liked or boosted). Both are idempotent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity
from activitypub.urls import ids_equal
from fedi.core.errors import NothingToUndo, UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.blocks import refuse_across_block
from fedi.domain.lookup import find_post
from fedi.federation.actors import get_actor
from fedi.federation.as2 import activities
from fedi.federation.outbox import queue
from storage import (
    accounts,
    blocks,
    deliveries,
    follows,
    notifications,
    posts,
    reactions,
    stream_events,
    timelines,
)
from storage.models import Account, Post

log = logging.getLogger(__name__)
KINDS = {"Like": reactions.LIKE, "Announce": reactions.ANNOUNCE}  # activity type: stored kind
ACTIVITY = {kind: activity_type for activity_type, kind in KINDS.items()}
BUILD = {reactions.LIKE: activities.like, reactions.ANNOUNCE: activities.announce}
NOTIFY = {reactions.LIKE: notifications.LIKE, reactions.ANNOUNCE: notifications.BOOST}
VERB = {reactions.LIKE: "liked", reactions.ANNOUNCE: "boosted"}
DO = {reactions.LIKE: "like", reactions.ANNOUNCE: "boost"}
# Mastodon refuses to reblog private (followers-only) and direct statuses.
BOOSTABLE = ("public", "unlisted")


class ReactionError(UserError):
    """A like, boost or their undo cannot be done; the message says why."""


class NotReacted(ReactionError, NothingToUndo):
    """An unlike or unboost of a post that was not liked or boosted."""


@dataclass(frozen=True)
class Done:
    """What an action did: the activity that carries it, and whether it was new."""

    activity_id: str
    post: Post
    new: bool = True


async def like(svc: Services, username: str, reference: str) -> Done:
    """Like a post (ours or remote, fetched if need be); liking it again changes nothing."""
    return await _react(svc, username, reference, reactions.LIKE)


async def unlike(svc: Services, username: str, reference: str) -> Done:
    """Take back a like: Undo(Like) to wherever the Like went."""
    return await _undo(svc, username, reference, reactions.LIKE)


async def boost(svc: Services, username: str, reference: str) -> Done:
    """Boost a public or unlisted post; boosting it again changes nothing."""
    return await _react(svc, username, reference, reactions.ANNOUNCE)


async def unboost(svc: Services, username: str, reference: str) -> Done:
    """Take back a boost: Undo(Announce) to wherever the Announce went."""
    return await _undo(svc, username, reference, reactions.ANNOUNCE)


async def _author(session: AsyncSession, post: Post) -> Account:
    author = await session.get(Account, post.account_id)
    assert author is not None  # posts.account_id is a foreign key
    return author


async def _reaction_inboxes(
    session: AsyncSession, kind: str, actor: Account, author: Account
) -> list[str]:
    inboxes = await follows.follower_inboxes(session, actor.id) if kind != reactions.LIKE else []
    # The author's own inbox, unless their server already gets it through a follower.
    if not author.is_local and author.shared_inbox_url not in inboxes:
        inboxes.append(author.inbox_url)
    return inboxes


async def _react(svc: Services, username: str, reference: str, kind: str) -> Done:
    """Like (kind "like") or boost ("announce") a post; doing it again changes nothing."""
    post = await find_post(svc, reference)
    if kind == reactions.ANNOUNCE and post.visibility not in BOOSTABLE:
        raise ReactionError(
            f"only public or unlisted posts can be boosted; {reference} is {post.visibility}"
        )
    async with svc.sessions.begin() as session:
        actor = await acting_user(session, username)
        author = await _author(session, post)
        await refuse_across_block(svc, session, actor, author, DO[kind])
        existing = await reactions.find(session, kind, actor.id, post.id)
        if existing is not None:
            return Done(existing.uri, post, new=False)
        doc = BUILD[kind](svc, actor, author, post)
        if not await reactions.add(session, kind, doc["id"], actor.id, post.id):
            raise ReactionError(f"{reference} was {VERB[kind]} at the same moment; try again")
        await _stream_boost(session, kind, actor.id, post.id)
        if post.local:
            await notifications.add(
                session,
                account_id=author.id,
                kind=NOTIFY[kind],
                from_account_id=actor.id,
                source_uri=doc["id"],
                post_id=post.id,
            )
        # Stored even when nobody is sent it (a local author), so its id can be fetched.
        await queue(session, actor, doc, await _reaction_inboxes(session, kind, actor, author))
    svc.delivery_wakeup.set()
    return Done(doc["id"], post)


async def _undo(svc: Services, username: str, reference: str, kind: str) -> Done:
    """Take back a like or boost: Undo (embedding it) to wherever it went. Undoing what was
    never done is a ReactionError, as unfollowing someone not followed is."""
    post = await find_post(svc, reference)
    async with svc.sessions.begin() as session:
        actor = await acting_user(session, username)
        reaction = await reactions.find(session, kind, actor.id, post.id)
        if reaction is None:
            raise NotReacted(f"{username} has not {VERB[kind]} {reference}: nothing to undo")
        original = await _sent(session, reaction.uri)
        if original is None:  # recorded before we stored what we sent: rebuild its core
            original = activities.reaction_core(ACTIVITY[kind], reaction.uri, actor, post)
        undo_doc = activities.undo_sent(svc, actor, original)
        inboxes = await deliveries.inboxes_of(session, reaction.uri)
        await reactions.remove(session, kind, actor.id, uri=reaction.uri, post_id=None)
        if kind == reactions.ANNOUNCE:  # the reblog Status is gone from timelines
            stream_events.record(session, stream_events.DELETE, reaction.id, actor.id)
        await notifications.withdraw(session, NOTIFY[kind], actor.id, post.id)
        await queue(session, actor, undo_doc, inboxes)
    svc.delivery_wakeup.set()
    return Done(undo_doc["id"], post)


async def _stream_boost(session: AsyncSession, kind: str, actor_id: int, post_id: int) -> None:
    """A new boost reaches the streams (as its reblog Status); a like reaches only the
    author's notifications."""
    if kind != reactions.ANNOUNCE:
        return
    boost = await reactions.find(session, kind, actor_id, post_id)
    if boost is not None:
        stream_events.record(session, stream_events.UPDATE, boost.id, actor_id)


async def _sent(session: AsyncSession, uri: str) -> dict[str, Any] | None:
    stored = await deliveries.activity_by_uri(session, uri)
    if stored is None:
        return None
    doc: dict[str, Any] = json.loads(stored.body)
    return doc


async def on_like(svc: Services, activity: Activity) -> None:
    """Like of a post of ours (or one we stored): recorded once, its author told."""
    await _on_reaction(svc, activity)


async def on_announce(svc: Services, activity: Activity) -> None:
    """Announce (a boost) of a post we have, or of one by an account followed here."""
    await _on_reaction(svc, activity)


async def _on_reaction(svc: Services, activity: Activity) -> None:
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
        if added:
            await _stream_boost(session, KINDS[activity.type], actor.id, post.id)
        if added and post.local:
            await notifications.add(
                session,
                account_id=post.account_id,
                kind=NOTIFY[KINDS[activity.type]],
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
    kind = KINDS[str(inner["type"])]
    async with svc.sessions.begin() as session:
        undone = await reactions.remove(
            session,
            kind,
            account.id,
            uri=activity.object_id,
            post_id=post.id if post is not None else None,
        )
        for post_id in undone:
            await notifications.withdraw(session, NOTIFY[kind], account.id, post_id)
