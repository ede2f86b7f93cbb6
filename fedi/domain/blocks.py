"""User blocks, as Mastodon does them: both follows end, the blocked account hears a Block, and
nothing of theirs reaches the blocker. Remote actors' blocks of local users are kept too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity, ActivityError, RemoteNote, parse_note
from activitypub.urls import ids_equal, same_origin
from fedi.core.errors import NothingToUndo, UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.follows import take_back
from fedi.federation.actors import get_actor
from fedi.federation.as2 import activities
from fedi.federation.as2.captions import handle_of
from fedi.federation.outbox import queue
from fedi.federation.resolver import find_account
from storage import accounts
from storage import blocks as block_rows
from storage.ids import new_id
from storage.models import Account


class BlockError(UserError):
    """A block or unblock cannot be done; the message says why."""


class NotBlocking(BlockError, NothingToUndo):
    """An unblock of an account not blocked."""


async def _farewells(
    svc: Services, session: AsyncSession, blocker: Account, target: Account
) -> list[dict[str, Any]]:
    """End the follows between the two. Mastodon's BlockService unfollows both ways first, so
    the blocked account's server hears an Undo(Follow) of our follow and a Reject of theirs."""
    sent = []
    for follow in await block_rows.sever(session, blocker.id, target.id):
        if follow.follower_id == blocker.id:
            ours = activities.follow(follow, blocker, target)
            sent.append(activities.undo(svc, blocker, ours, to=[target.uri]))
        else:
            sent.append(activities.follow_answer(svc, "Reject", follow, target, blocker))
    return sent


async def refuse_across_block(
    svc: Services, session: AsyncSession, actor: Account, author: Account, doing: str
) -> None:
    """BlockError when either account blocks the other: Mastodon refuses to favourite,
    reblog or reply to a status whose author blocks you or whom you block."""
    if actor.id == author.id:
        return
    them = handle_of(author, svc.settings.instance.host)
    if await block_rows.blocks(session, actor.id, author.id):
        raise BlockError(f"{actor.username} blocks {them}: unblock them to {doing} their post")
    if await block_rows.blocks(session, author.id, actor.id):
        raise BlockError(f"{them} blocks {actor.username}: you cannot {doing} their post")


async def block(svc: Services, username: str, handle_or_url: str) -> bool:
    """`username` blocks an account; False if it was blocked already."""
    target = await find_account(svc, handle_or_url)
    async with svc.sessions.begin() as session:
        blocker = await acting_user(session, username)
        if target.id == blocker.id:
            raise BlockError("you cannot block yourself")
        if await block_rows.get(session, blocker.id, target.id) is not None:
            return False
        sending = await _farewells(svc, session, blocker, target)
        row = await block_rows.add(
            session,
            account_id=blocker.id,
            target_id=target.id,
            uri=svc.urls.activity(blocker.username, "block", new_id()),
        )
        sending.append(activities.block(row, blocker, target))
        if not target.is_local:
            for activity in sending:
                await queue(session, blocker, activity, [target.inbox_url])
    svc.delivery_wakeup.set()
    return True


async def unblock(svc: Services, username: str, handle_or_url: str) -> None:
    """Lift a block: the row goes, and the account hears Undo(Block) with the Block inside."""
    missing = NotBlocking(f"{username} does not block {handle_or_url}")
    await take_back(svc, username, handle_or_url, block_rows.get, activities.block, missing)


async def listing(svc: Services, username: str) -> list[tuple[str, str]]:
    """(handle, actor id) of the accounts `username` blocks, newest block first."""
    async with svc.reads() as session:
        account = await acting_user(session, username)
        rows = await block_rows.blocked_by(session, account.id)
    host = svc.settings.instance.host
    return [(handle_of(target, host), target.uri) for _, target in rows]


async def on_block(svc: Services, activity: Activity) -> None:
    """A remote actor blocks a local account: the follows between them end, the block is kept
    (as Mastodon's ActivityPub::Activity::Block does)."""
    async with svc.reads() as session:
        target = await accounts.by_uri(session, activity.object_id or "")
    if target is None or not target.is_local:
        return
    blocker = await get_actor(svc, activity.actor)
    if blocker.is_local:
        return  # our own users' blocks are made here, not received
    async with svc.sessions.begin() as session:
        await block_rows.sever(session, blocker.id, target.id)
        if await block_rows.get(session, blocker.id, target.id) is None:
            await block_rows.add(
                session, account_id=blocker.id, target_id=target.id, uri=activity.id
            )


async def on_undo_block(svc: Services, activity: Activity) -> None:
    """Undo(Block): only the actor who blocked may lift the block."""
    inner = activity.object or {}
    inner_actor, inner_target = inner.get("actor"), inner.get("object")
    if isinstance(inner_actor, str) and not ids_equal(inner_actor, activity.actor):
        return  # someone undoing another's block
    async with svc.sessions.begin() as session:
        blocker = await accounts.by_uri(session, activity.actor)
        if blocker is None or blocker.is_local:
            return  # never seen: nothing of theirs to undo
        row = await block_rows.by_uri(session, activity.object_id) if activity.object_id else None
        if row is None and isinstance(inner_target, str):
            target = await accounts.by_uri(session, inner_target)
            row = await block_rows.get(session, blocker.id, target.id) if target else None
        if row is None or row.account_id != blocker.id:
            return  # not theirs: a third party cannot lift someone else's block
        await session.delete(row)


Store = Callable[[Services, list[Activity]], Awaitable[list[Exception | None]]]


async def unless_blocked(
    svc: Services, activities: list[Activity], store: Store
) -> list[Exception | None]:
    """Creates meant only for local users who block their author are done, not kept; the
    others go to `store` (fedi.domain.remote_posts.on_creates). Returns an outcome per activity."""
    skip = await _blocked_only(svc, activities)
    outcomes = iter(await store(svc, [a for i, a in enumerate(activities) if i not in skip]))
    return [None if i in skip else next(outcomes) for i in range(len(activities))]


async def _blocked_only(svc: Services, activities: list[Activity]) -> set[int]:
    """Which Creates address only local accounts that block their author. One query when no
    author is blocked (the usual case); the note is read from the Create as it came (one its
    author's server vouches for), never fetched for this."""
    async with svc.reads() as session:
        blockers = await block_rows.local_blockers(session, [a.actor for a in activities])
        skip = set()
        for index, activity in enumerate(activities):
            note = _embedded_note(activity) if activity.actor in blockers else None
            if note is None:
                continue
            readers = await block_rows.local_readers(
                session, activity.actor, note.mentions, note.in_reply_to
            )
            if readers and readers <= blockers[activity.actor]:
                skip.add(index)
    return skip


def _embedded_note(activity: Activity) -> RemoteNote | None:
    if activity.object is None or not same_origin(activity.object_id or "", activity.actor):
        return None
    try:
        return parse_note(activity.object)
    except ActivityError:
        return None  # on_creates says why
