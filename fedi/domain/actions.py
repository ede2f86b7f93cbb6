"""A local user's likes and boosts, their Undo, and deleting an own post, federated the way
Mastodon sends them.

- Like goes to the post's author only (Mastodon's FavouriteService); a local author is told
  by a notification instead.
- Announce is public, cc the author and the booster's followers, and goes to the booster's
  followers and the author (Mastodon's ReblogService).
- Undo embeds the original activity and goes wherever it went.
- Delete carries a Tombstone with the Note id and goes to every inbox the Create and its
  Updates reached, current followers and mentioned accounts, and remote accounts that liked
  or boosted the post.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.blocks import refuse_across_block
from fedi.domain.lookup import find_post
from fedi.federation.as2 import activities
from fedi.federation.as2.notes import tags_of
from fedi.federation.outbox import queue
from fedi.media.files import remove_files
from storage import deliveries, follows, notifications, posts, reactions
from storage.models import Account, Delivery, OutboundActivity, Post

ACTIVITY = {reactions.LIKE: "Like", reactions.ANNOUNCE: "Announce"}
BUILD = {reactions.LIKE: activities.like, reactions.ANNOUNCE: activities.announce}
NOTIFY = {reactions.LIKE: notifications.LIKE, reactions.ANNOUNCE: notifications.BOOST}
VERB = {reactions.LIKE: "liked", reactions.ANNOUNCE: "boosted"}
DO = {reactions.LIKE: "like", reactions.ANNOUNCE: "boost"}
# Mastodon refuses to reblog private (followers-only) and direct statuses.
BOOSTABLE = ("public", "unlisted")


class ActionError(UserError):
    """A like, boost, undo or delete cannot be done; the message says why."""


@dataclass(frozen=True)
class Done:
    """What an action did: the activity that carries it, and whether it was new."""

    activity_id: str
    post: Post
    new: bool = True


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


async def react(svc: Services, username: str, reference: str, kind: str) -> Done:
    """Like (kind "like") or boost ("announce") a post; doing it again changes nothing."""
    post = await find_post(svc, reference)
    if kind == reactions.ANNOUNCE and post.visibility not in BOOSTABLE:
        raise ActionError(
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
            raise ActionError(f"{reference} was {VERB[kind]} at the same moment; try again")
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


async def undo(svc: Services, username: str, reference: str, kind: str) -> Done:
    """Take back a like or boost: Undo (embedding it) to wherever it went. Undoing what was
    never done is an ActionError, as unfollowing someone not followed is."""
    post = await find_post(svc, reference)
    async with svc.sessions.begin() as session:
        actor = await acting_user(session, username)
        reaction = await reactions.find(session, kind, actor.id, post.id)
        if reaction is None:
            raise ActionError(f"{username} has not {VERB[kind]} {reference}: nothing to undo")
        original = await _sent(session, reaction.uri)
        if original is None:  # recorded before we stored what we sent: rebuild its core
            original = activities.reaction_core(ACTIVITY[kind], reaction.uri, actor, post)
        undo_doc = activities.undo_sent(svc, actor, original)
        inboxes = await deliveries.inboxes_of(session, reaction.uri)
        await reactions.remove(session, kind, actor.id, uri=reaction.uri, post_id=None)
        await notifications.withdraw(session, NOTIFY[kind], actor.id, post.id)
        await queue(session, actor, undo_doc, inboxes)
    svc.delivery_wakeup.set()
    return Done(undo_doc["id"], post)


async def _sent(session: AsyncSession, uri: str) -> dict[str, Any] | None:
    stored = await deliveries.activity_by_uri(session, uri)
    if stored is None:
        return None
    doc: dict[str, Any] = json.loads(stored.body)
    return doc


async def delete_post(svc: Services, username: str, reference: str) -> Done:
    """Delete an own post: a tombstone here, and a Delete(Tombstone) to all who got it."""
    post = await find_post(svc, reference, fetch=False)
    async with svc.sessions.begin() as session:
        author = await acting_user(session, username)
        if post.account_id != author.id:
            raise ActionError(
                f"{reference} is not {username}'s post: only its author can delete it"
            )
        inboxes = await _delete_inboxes(session, author, post)
        doc = activities.delete_note(svc, author, post)
        files = await posts.tombstone(session, post.id)
        await queue(session, author, doc, inboxes)
    svc.delivery_wakeup.set()
    await asyncio.to_thread(remove_files, svc.media_dir, files)
    return Done(doc["id"], post)


async def _delete_inboxes(session: AsyncSession, author: Account, post: Post) -> list[str]:
    """Who has a copy: whoever the Create or any Update of it reached, the followers and
    mentioned accounts now, and remote accounts that liked or boosted it (Mastodon's reach,
    roughly: an account first mentioned in an edit got the post by that Update)."""
    reached = await deliveries.inboxes_of(session, f"{post.uri}/activity")
    reached += await _update_inboxes(session, author, post)
    reached += await follows.follower_inboxes(session, author.id)
    reached += [
        account.shared_inbox_url or account.inbox_url
        for account in (await tags_of(session, [post.id]))[post.id].mentions
        if not account.is_local
    ]
    reached += await reactions.remote_inboxes(session, post.id)
    return list(dict.fromkeys(reached))


async def _update_inboxes(session: AsyncSession, author: Account, post: Post) -> list[str]:
    """The inboxes every Update(Note) of the post we sent was queued for. Update ids do not
    name the post, so the author's Updates whose body names it are read and checked."""
    stmt = select(OutboundActivity.id, OutboundActivity.body).where(
        OutboundActivity.account_id == author.id,
        OutboundActivity.activity_type == "Update",
        OutboundActivity.body.contains(post.uri, autoescape=True),
    )
    ids = [row_id for row_id, body in await session.execute(stmt) if _object_id(body) == post.uri]
    if not ids:
        return []
    found = select(Delivery.inbox_url).where(Delivery.activity_id.in_(ids)).distinct()
    return sorted((await session.execute(found)).scalars())


def _object_id(body: str) -> str | None:
    obj = json.loads(body).get("object")
    return obj.get("id") if isinstance(obj, dict) else obj if isinstance(obj, str) else None
