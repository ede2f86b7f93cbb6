"""Follow relationships both ways: requests from remote actors, our follows of them, and
follows between two local users (taken at once, as a remote Follow is, without HTTP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity
from fedi.core.errors import NothingToUndo, UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain.accounts import acting_user
from fedi.federation.actors import get_actor
from fedi.federation.as2 import activities
from fedi.federation.outbox import queue
from fedi.federation.resolver import find_account, names
from storage import accounts, blocks, follows, notifications
from storage.ids import new_id
from storage.models import Account, Block, Follow


class FollowError(UserError):
    """A follow action cannot be done; the message says why."""


class NotFollowing(FollowError, NothingToUndo):
    """An unfollow of an account not followed."""


async def on_follow(svc: Services, activity: Activity) -> None:
    """A remote actor asks to follow a local account: accept at once or wait for approval.
    The reserved instance actor is followed by nobody."""
    async with svc.reads() as session:
        target = await accounts.by_uri(session, activity.object_id or "")
    if target is None or not target.is_local or target.username == INSTANCE_ACTOR:
        return
    follower = await get_actor(svc, activity.actor)
    async with svc.sessions.begin() as session:
        if target.suspended_since or await blocks.blocks(session, target.id, follower.id):
            # Mastodon answers a blocked account's Follow with a Reject and keeps nothing;
            # an account an admin suspended takes no new followers either.
            refused = Follow(uri=activity.id)
            await _answer(svc, session, "Reject", refused, follower, target)
            return
        await _take(svc, session, follower, target, activity.id)


async def _take(
    svc: Services, session: AsyncSession, follower: Account, target: Account, uri: str
) -> Follow:
    """A Follow of a local account, from a remote actor or a local user: accepted at once
    (Accept sent) or, for a locked account, a request; the account is told either way."""
    state = "pending" if target.manually_approves_followers else "accepted"
    existing = await follows.get(session, follower.id, target.id)
    follow = await follows.add(
        session, follower_id=follower.id, target_id=target.id, uri=uri, state=state
    )
    if existing is not None and existing.state == "accepted":
        follow.state = "accepted"  # a repeated Follow of an accepted follow is re-accepted
    if follow.state == "accepted":
        await _answer(svc, session, "Accept", follow, follower, target)
    await notifications.add(
        session,
        account_id=target.id,
        kind=notifications.FOLLOW if follow.state == "accepted" else notifications.FOLLOW_REQUEST,
        from_account_id=follower.id,
        source_uri=follow.uri,
    )
    return follow


async def _answer(
    svc: Services,
    session: AsyncSession,
    kind: str,
    follow: Follow,
    follower: Account,
    target: Account,
) -> None:
    answer = activities.follow_answer(svc, kind, follow, follower, target)
    # A local follower is told by the follow row itself: no HTTP to ourselves.
    await queue(session, target, answer, _inbox(follower))
    svc.delivery_wakeup.set()


def _inbox(account: Account) -> list[str]:
    """Where an account is sent our activities: nowhere for a local one."""
    return [] if account.is_local else [account.inbox_url]


async def decide(svc: Services, username: str, actor: str, *, approve: bool) -> None:
    """Approve or reject a pending follow request (actor: a local name, handle or actor URL)."""
    async with svc.sessions.begin() as session:
        target = await acting_user(session, username)
        for follow, follower in await follows.pending_requests(session, target.id):
            if names(svc, follower, actor):
                if approve:
                    follow.state = "accepted"
                else:
                    await session.delete(follow)
                await _answer(
                    svc, session, "Accept" if approve else "Reject", follow, follower, target
                )
                return
    raise FollowError(f"no pending follow request from {actor!r} to {username!r}")


async def on_undo_follow(svc: Services, activity: Activity) -> None:
    """Undo(Follow): the follower stops following. Only the follower may undo it."""
    async with svc.sessions.begin() as session:
        follow = await follows.by_uri(session, activity.object_id) if activity.object_id else None
        follower = await accounts.by_uri(session, activity.actor)
        if follow is None and follower is not None and activity.object is not None:
            target = await accounts.by_uri(session, str(activity.object.get("object", "")))
            if target is not None:
                follow = await follows.get(session, follower.id, target.id)
        if follow is None or follower is None or follow.follower_id != follower.id:
            return
        await session.delete(follow)


async def on_accept(svc: Services, activity: Activity) -> None:
    """Accept of one of our follows: it is accepted (only the followed actor's counts)."""
    await _answered(svc, activity, accepted=True)


async def on_reject(svc: Services, activity: Activity) -> None:
    """Reject of one of our follows (or of a follow accepted before): it ends."""
    await _answered(svc, activity, accepted=False)


async def _answered(svc: Services, activity: Activity, *, accepted: bool) -> None:
    """Accept/Reject of one of our follows; only the followed actor's answer counts."""
    async with svc.sessions.begin() as session:
        follow = await follows.by_uri(session, activity.object_id) if activity.object_id else None
        target = await accounts.by_uri(session, activity.actor)
        if follow is None or target is None or follow.target_id != target.id:
            return
        if accepted:
            follow.state = "accepted"
        else:
            await session.delete(follow)


async def follow(svc: Services, username: str, handle_or_url: str) -> Follow:
    """Send a Follow from a local user; it stays pending until the remote Accept arrives. A
    local account takes it at once, as it would take a remote actor's Follow."""
    target = await find_account(svc, handle_or_url)
    async with svc.sessions.begin() as session:
        follower = await acting_user(session, username)
        if follower.id == target.id:
            raise FollowError("you cannot follow yourself")
        if target.suspended_since is not None:
            raise FollowError(f"{handle_or_url} is suspended")
        existing = await follows.get(session, follower.id, target.id)
        if existing is not None:
            return existing
        # As Mastodon: no following across a block, whichever side made it.
        if await blocks.blocks(session, follower.id, target.id):
            raise FollowError(f"{username} blocks {handle_or_url}: unblock first")
        if await blocks.blocks(session, target.id, follower.id):
            raise FollowError(f"{handle_or_url} has blocked {username}")
        uri = svc.urls.activity(follower.username, "follow", new_id())
        if target.is_local:
            follow_row = await _take(svc, session, follower, target, uri)
        else:
            follow_row = await follows.add(
                session, follower_id=follower.id, target_id=target.id, uri=uri, state="pending"
            )
        # Stored even when nobody is sent it (a local target), so its id can be fetched.
        doc = activities.follow(follow_row, follower, target)
        await queue(session, follower, doc, _inbox(target))
    svc.delivery_wakeup.set()
    return follow_row


async def unfollow(svc: Services, username: str, handle_or_url: str) -> None:
    """Stop following: Undo(Follow) to the remote actor, and the follow row removed."""
    missing = NotFollowing(f"{username} does not follow {handle_or_url}")
    await take_back(svc, username, handle_or_url, follows.get, activities.follow, missing)


Relation = TypeVar("Relation", Follow, Block)


async def take_back(
    svc: Services,
    username: str,
    handle_or_url: str,
    find: Callable[[AsyncSession, int, int], Awaitable[Relation | None]],
    as_activity: Callable[[Relation, Account, Account], dict[str, Any]],
    missing: UserError,
) -> None:
    """A local user takes back a follow or a block of an account (`find` reads the row, which
    `as_activity` shows as the activity that made it): the row goes, and the account hears
    Undo of that activity. `missing` is raised when there is no such row."""
    target = await find_account(svc, handle_or_url)
    async with svc.sessions.begin() as session:
        actor = await acting_user(session, username)
        row = await find(session, actor.id, target.id)
        if row is None:
            raise missing
        undo = activities.undo(svc, actor, as_activity(row, actor, target), to=[target.uri])
        await session.delete(row)
        # Stored even when nobody is sent it (a local account), as the follow itself is.
        await queue(session, actor, undo, _inbox(target))
    svc.delivery_wakeup.set()
