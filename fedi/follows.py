"""Follow relationships both ways: requests from remote actors, and our follows of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub import objects, webfinger
from activitypub.activities import Activity
from activitypub.http import FetchError
from activitypub.urls import ids_equal
from activitypub.webfinger import WebFingerError, parse_handle
from storage import accounts, blocks, follows, notifications
from storage.ids import new_id
from storage.models import Account, Follow

from .errors import UserError
from .outbox import queue, undo_activity
from .remote import get_actor
from .services import Services


class FollowError(UserError):
    """A follow action cannot be done; the message says why."""


def follow_doc(follow: Follow, follower: Account, target: Account) -> dict[str, Any]:
    """The Follow activity a follow row stands for."""
    return objects.activity("Follow", follow.uri, follower.uri, target.uri)


async def on_follow(svc: Services, activity: Activity, target: Account) -> None:
    """A remote actor asks to follow a local account: accept at once or wait for approval."""
    follower = await get_actor(svc, activity.actor)
    state = "pending" if target.manually_approves_followers else "accepted"
    async with svc.sessions.begin() as session:
        if await blocks.blocks(session, target.id, follower.id):
            # Mastodon answers a blocked account's Follow with a Reject and keeps nothing.
            refused = Follow(uri=activity.id)
            await _answer(svc, session, "Reject", refused, follower, target)
            return
        existing = await follows.get(session, follower.id, target.id)
        follow = await follows.add(
            session, follower_id=follower.id, target_id=target.id, uri=activity.id, state=state
        )
        if existing is not None and existing.state == "accepted":
            follow.state = "accepted"  # a repeated Follow of an accepted follow is re-accepted
        if follow.state == "accepted":
            await _answer(svc, session, "Accept", follow, follower, target)
        await notifications.add(
            session,
            account_id=target.id,
            kind=notifications.FOLLOW
            if follow.state == "accepted"
            else notifications.FOLLOW_REQUEST,
            from_account_id=follower.id,
            source_uri=follow.uri,
        )


async def _answer(
    svc: Services,
    session: AsyncSession,
    kind: str,
    follow: Follow,
    follower: Account,
    target: Account,
) -> None:
    answer = objects.activity(
        kind,
        svc.urls.activity(target.username, kind, new_id()),
        target.uri,
        follow_doc(follow, follower, target),
        to=[follower.uri],
    )
    await queue(session, target, answer, [follower.inbox_url])
    svc.delivery_wakeup.set()


async def decide(svc: Services, username: str, actor: str, *, approve: bool) -> None:
    """Approve or reject a pending follow request (actor: handle or actor URL)."""
    async with svc.sessions.begin() as session:
        target = await accounts.local_account(session, username)
        if target is None:
            raise FollowError(f"no local user {username!r}")
        for follow, follower in await follows.pending_requests(session, target.id):
            if ids_equal(follower.uri, actor) or _handle(follower) == actor.lstrip("@"):
                if approve:
                    follow.state = "accepted"
                else:
                    await session.delete(follow)
                await _answer(
                    svc, session, "Accept" if approve else "Reject", follow, follower, target
                )
                return
    raise FollowError(f"no pending follow request from {actor!r} to {username!r}")


def _handle(account: Account) -> str:
    return f"{account.username}@{account.domain}"


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


async def on_accept(svc: Services, activity: Activity, *, accepted: bool) -> None:
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


async def resolve(svc: Services, handle_or_url: str) -> Account:
    """A remote account by `user@host` handle or actor URL, fetched if not cached."""
    host = (
        urlsplit(handle_or_url).netloc
        if "://" in handle_or_url
        else handle_or_url.rpartition("@")[2]
    )
    if await svc.domain_blocked(host):
        raise FollowError(f"{host} is blocked on this server")
    try:
        if handle_or_url.startswith(("http://", "https://")):
            return await get_actor(svc, handle_or_url)
        host = handle_or_url.lstrip("@").partition("@")[2]
        scheme = (
            "http"
            if svc.settings.federation.allow_private_addresses and _is_local(host)
            else "https"
        )
        found = await webfinger.resolve(svc.http, handle_or_url, scheme=scheme)
        if await svc.domain_blocked(urlsplit(found.actor).netloc):  # a handle in front of it
            raise FollowError(f"{handle_or_url} is an account on a server blocked here")
        account = await get_actor(svc, found.actor)
        await _confirm_handle(svc, handle_or_url, account, scheme)
        return account
    except (WebFingerError, FetchError) as exc:
        raise FollowError(f"cannot find {handle_or_url}: {getattr(exc, 'reason', exc)}") from exc


async def _confirm_handle(svc: Services, handle: str, account: Account, scheme: str) -> None:
    """A handle's server may name an actor on another server (a domain of one's own in front
    of a big instance), but only if the actor's server claims that handle too, as Mastodon
    checks: otherwise anyone could put any account behind a name of their choosing."""
    user, host = parse_handle(handle)
    actor_host = urlsplit(account.uri).netloc.lower()
    if actor_host == host:
        return
    claimed = await webfinger.resolve(svc.http, f"{account.username}@{actor_host}", scheme=scheme)
    if claimed.actor != account.uri or claimed.subject != f"{user.lower()}@{host}":
        raise FollowError(
            f"{user}@{host} points to {account.uri}, whose server does not confirm that handle"
        )


def _is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]")
    return name in ("localhost", "::1") or name.startswith("127.")


async def follow(svc: Services, username: str, handle_or_url: str) -> Follow:
    """Send a Follow from a local user; it stays pending until the remote Accept arrives."""
    target = await resolve(svc, handle_or_url)
    async with svc.sessions.begin() as session:
        follower = await accounts.local_account(session, username)
        if follower is None:
            raise FollowError(f"no local user {username!r}")
        existing = await follows.get(session, follower.id, target.id)
        if existing is not None:
            return existing
        # As Mastodon: no following across a block, whichever side made it.
        if await blocks.blocks(session, follower.id, target.id):
            raise FollowError(f"{username} blocks {handle_or_url}: unblock first")
        if await blocks.blocks(session, target.id, follower.id):
            raise FollowError(f"{handle_or_url} has blocked {username}")
        follow_row = await follows.add(
            session,
            follower_id=follower.id,
            target_id=target.id,
            uri=svc.urls.activity(username, "follow", new_id()),
            state="pending",
        )
        await queue(session, follower, follow_doc(follow_row, follower, target), [target.inbox_url])
    svc.delivery_wakeup.set()
    return follow_row


async def unfollow(svc: Services, username: str, handle_or_url: str) -> None:
    """Stop following: Undo(Follow) to the remote actor, and the follow row removed."""
    target = await resolve(svc, handle_or_url)
    async with svc.sessions.begin() as session:
        follower = await accounts.local_account(session, username)
        if follower is None:
            raise FollowError(f"no local user {username!r}")
        existing = await follows.get(session, follower.id, target.id)
        if existing is None:
            raise FollowError(f"{username} does not follow {handle_or_url}")
        undo = undo_activity(
            svc, username, follower, follow_doc(existing, follower, target), to=[target.uri]
        )
        await session.delete(existing)
        await queue(session, follower, undo, [target.inbox_url])
    svc.delivery_wakeup.set()
