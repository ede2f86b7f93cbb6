"""Deletes both ways.

A local user deletes a post: it becomes a tombstone here, and a Delete carrying a Tombstone
with the Note id goes to every inbox the Create and its Updates reached, current followers and
mentioned accounts, and remote accounts that liked or boosted the post.

A local account is deleted: a Delete whose object is the actor goes to every inbox that knows
it (Mastodon's DeleteAccountService does the same), then everything of it goes here. The
account row and its key stay, marked suspended, so that Delete can be signed and retried; the
actor URL then answers 410 with a Tombstone and WebFinger 404, as Mastodon answers for a
deleted account.

Delete from other servers: a note becomes a tombstone, an actor takes everything of theirs
with them. Only the owner may delete (the Delete's actor must be the note's author or the
actor itself); anything else has no effect. Both are safe to run twice.
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity
from activitypub.urls import ids_equal, same_origin
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.lookup import find_post
from fedi.domain.reactions import Done
from fedi.federation.as2 import activities
from fedi.federation.as2.notes import tags_of
from fedi.federation.audience import post_inboxes
from fedi.federation.outbox import queue
from fedi.media.files import remove_files
from storage import (
    account_removal,
    accounts,
    deliveries,
    early_deletes,
    posts,
    reactions,
    stream_events,
)
from storage.models import Account, Delivery, OutboundActivity, Post


class DeleteError(UserError):
    """A post cannot be deleted; the message says why."""


async def delete_post(svc: Services, username: str, reference: str) -> Done:
    """Delete an own post: a tombstone here, and a Delete(Tombstone) to all who got it."""
    post = await find_post(svc, reference, fetch=False)
    async with svc.sessions.begin() as session:
        author = await acting_user(session, username)
        if post.account_id != author.id:
            raise DeleteError(
                f"{reference} is not {username}'s post: only its author can delete it"
            )
        inboxes = await _delete_inboxes(session, author, post)
        doc = activities.delete_note(svc, author, post)
        files = await posts.tombstone(session, post.id)
        stream_events.record(session, stream_events.DELETE, post.id, author.id)
        await queue(session, author, doc, inboxes)
    svc.delivery_wakeup.set()
    await asyncio.to_thread(remove_files, svc.media_dir, files)
    return Done(doc["id"], post)


async def _delete_inboxes(session: AsyncSession, author: Account, post: Post) -> list[str]:
    """Who has a copy: whoever the Create or any Update of it reached, its audience now
    (followers unless direct, and mentioned accounts), and remote accounts that liked or
    boosted it (Mastodon's reach, roughly: an account first mentioned in an edit got the post
    by that Update)."""
    reached = await deliveries.inboxes_of(session, f"{post.uri}/activity")
    reached += await _update_inboxes(session, author, post)
    mentions = (await tags_of(session, [post.id]))[post.id].mentions
    reached += await post_inboxes(session, author.id, post.visibility, mentions)
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


async def delete_account(svc: Services, username: str, *, suspended_too: bool = False) -> int:
    """Delete a local user: the Delete(actor) is queued, its data removed; returns how many
    inboxes the Delete goes to. `suspended_too`: an admin may delete a suspended user too."""
    async with svc.sessions.begin() as session:
        account = await _account_to_delete(session, username, suspended_too)
        inboxes = await account_removal.known_inboxes(session, account.id)
        doc = activities.delete_actor(svc, account)
        pictures = [account.icon_url, account.header_url]  # the avatar and header files too
        files = await account_removal.erase(session, account.id)
        files += [_own_file(svc, url) for url in pictures if _own_file(svc, url)]
        count = await queue(session, account, doc, inboxes)
    svc.delivery_wakeup.set()
    await asyncio.to_thread(remove_files, svc.media_dir, files)
    return count


def _own_file(svc: Services, url: str | None) -> str:
    """The name of the media file this server serves at `url` ('' for none, or another's)."""
    media = svc.urls.media("")
    return url.removeprefix(media) if url and url.startswith(media) else ""


async def _account_to_delete(session: AsyncSession, username: str, suspended_too: bool) -> Account:
    """The user to delete: one who may act, or (`suspended_too`) one an admin suspended; never
    one deleted already."""
    return await acting_user(session, username, suspended_too=suspended_too)


async def on_delete(svc: Services, activity: Activity) -> None:
    """Delete(Note) or Delete(Person)."""
    target = activity.object_id
    if target is None:
        return
    if ids_equal(target, activity.actor):
        await _delete_actor(svc, activity.actor)
        return
    async with svc.sessions.begin() as session:
        post = await posts.by_uri(session, target)
        if post is None and same_origin(target, activity.actor):
            # Its Create may still be on the way (deliveries are not ordered): as Mastodon,
            # remember the Delete for a while, so that the Create is not stored when it comes.
            await early_deletes.remember(session, target)
            return
        if post is None or post.local or post.deleted_at is not None:
            return
        author = await session.get(Account, post.account_id)
        if author is None or not ids_equal(author.uri, activity.actor):
            return  # not theirs to delete
        # The same tombstone as a local delete: cached images, reactions, hashtags, mentions
        # and notifications go with it.
        files = await posts.tombstone(session, post.id)
        stream_events.record(session, stream_events.DELETE, post.id, author.id)
    await asyncio.to_thread(remove_files, svc.media_dir, files)


async def _delete_actor(svc: Services, uri: str) -> None:
    """Remove a remote account; its posts, their cached images, its avatar and header copies,
    its follows, reactions and notifications go with it."""
    async with svc.sessions.begin() as session:
        account = await accounts.by_uri(session, uri)
        if account is None or account.is_local:
            return
        # Its media first, not by the cascade, which would not say which files to unlink;
        # then the row, with the copies of its avatar and header.
        files = await posts.remove_media_of_account(session, account.id)
        files += await accounts.delete_remote(session, account.id)
    await asyncio.to_thread(remove_files, svc.media_dir, files)
