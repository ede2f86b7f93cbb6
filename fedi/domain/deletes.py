"""Delete from other servers: a note becomes a tombstone, an actor takes everything of theirs
with them. Only the owner may delete (the Delete's actor must be the note's author or the
actor itself); anything else has no effect. Both are safe to run twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete as sql_delete

from activitypub.activities import Activity
from activitypub.urls import ids_equal, same_origin
from fedi.core.services import Services
from fedi.media.files import remove_files
from storage import accounts, early_deletes, posts
from storage.models import Account


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
    await asyncio.to_thread(remove_files, svc.media_dir, files)


async def _delete_actor(svc: Services, uri: str) -> None:
    """Remove a remote account; its posts, their cached images, its follows, reactions and
    notifications go with it."""
    async with svc.sessions.begin() as session:
        account = await accounts.by_uri(session, uri)
        if account is None or account.is_local:
            return
        # Its media first, not by the cascade, which would not say which files to unlink.
        files = await posts.remove_media_of_account(session, account.id)
        await session.execute(sql_delete(Account).where(Account.id == account.id))
    await asyncio.to_thread(remove_files, svc.media_dir, files)
