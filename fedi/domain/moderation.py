"""What an instance's admins do (the /admin pages; the CLI can call the same): who is an
admin, suspending and unsuspending local users, blocking servers, and the deliveries that
keep failing."""

from __future__ import annotations

import asyncio
from datetime import datetime

from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.media.files import remove_files
from storage import account_images, accounts, domain_blocks, moderation, sign_ins
from storage import invites as invite_rows
from storage.auth_models import Invite
from storage.models import Account, DomainBlock, User
from storage.moderation import FailingServer
from storage.timeutil import utcnow

MAX_REASON = 1000


class ModerationError(UserError):
    """The admin's action cannot be done; the message says why."""


async def is_admin(svc: Services, account: Account | None) -> bool:
    """Whether this signed-in account is one of the instance's admins."""
    if account is None or not account.is_local:
        return False
    if account.suspended_at is not None or account.suspended_since is not None:
        return False
    async with svc.reads() as session:
        return await moderation.is_admin(session, account.id)


USERS_PAGE = 50  # users on a page of /admin/users


async def users(
    svc: Services, *, before: int | None = None, limit: int | None = None
) -> list[tuple[Account, User]]:
    """The local users, suspended ones too (not deleted ones), newest first: all, or a page
    of at most `limit` after the user whose account id is `before`."""
    async with svc.reads() as session:
        return await moderation.local_users(
            session, exclude=INSTANCE_ACTOR, limit=limit, before=before
        )


async def users_page(
    svc: Services, before: int | None = None
) -> tuple[list[tuple[Account, User]], int | None]:
    """A page of USERS_PAGE users after `before`, and where the next page starts (None: this
    is the last)."""
    rows = await users(svc, before=before, limit=USERS_PAGE + 1)
    more = len(rows) > USERS_PAGE
    rows = rows[:USERS_PAGE]
    return rows, rows[-1][0].id if more else None


async def user(svc: Services, username: str) -> tuple[Account, User] | None:
    """One local user (suspended too, not deleted) by exact name, with their user row."""
    async with svc.reads() as session:
        return await moderation.local_user(session, username, exclude=INSTANCE_ACTOR)


async def _account(svc: Services, username: str) -> Account:
    async with svc.reads() as session:
        account = await accounts.local_account(session, username, include_deleted=True)
    if account is None or account.username == INSTANCE_ACTOR:
        raise ModerationError(f"no local user {username!r}")
    return account


async def suspend(svc: Services, username: str) -> None:
    """Suspend a local user: they cannot sign in, their sessions end, their tokens stop
    working, and their profile and posts are not served; unsuspending brings it all back."""
    account = await _account(svc, username)
    async with svc.sessions.begin() as session:
        if not await moderation.set_suspended(session, account.id, utcnow()):
            raise ModerationError(f"{username} is suspended already, or was deleted")
        await sign_ins.end_sessions_of(session, account.id)


async def unsuspend(svc: Services, username: str) -> None:
    """Lift a suspension (a deleted account stays deleted)."""
    account = await _account(svc, username)
    async with svc.sessions.begin() as session:
        if not await moderation.set_suspended(session, account.id, None):
            raise ModerationError(f"{username} is not suspended")


async def set_admin(svc: Services, username: str, admin: bool) -> None:
    """Make a local user an admin, or no longer one."""
    account = await _account(svc, username)
    async with svc.sessions.begin() as session:
        if not await moderation.set_admin(session, account.id, admin):
            raise ModerationError(f"{username} was deleted")


async def blocked_domains(svc: Services) -> list[DomainBlock]:
    """The blocked servers, newest first."""
    async with svc.reads() as session:
        return await domain_blocks.listed(session)


async def block_domain(svc: Services, domain: str, reason: str = "") -> bool:
    """Cut a server off (see storage.domain_blocks.add) and remove the copies of its
    accounts' avatars and headers; False if it was blocked already."""
    host = domain_blocks.normalise(domain)
    if not host or any(c in host for c in "/@ ") or len(host) > 255:
        raise ModerationError("Give a server's name, such as example.social (no https://).")
    if host == svc.settings.instance.host.lower():
        raise ModerationError("This is this server's own name.")
    async with svc.sessions.begin() as session:
        added = await domain_blocks.add(session, host, reason.strip()[:MAX_REASON])
        # Its accounts' avatars and headers are no longer shown: their copies go.
        files = await account_images.forget_domain(session, host) if added else []
    svc.forget_domain_blocks()
    await asyncio.to_thread(remove_files, svc.media_dir, files)
    return added


async def unblock_domain(svc: Services, domain: str) -> bool:
    """Lift a block; False if there was none."""
    async with svc.sessions.begin() as session:
        removed = await domain_blocks.remove(session, domain)
    svc.forget_domain_blocks()
    return removed


async def failing_servers(svc: Services) -> list[FailingServer]:
    """The servers our deliveries keep failing to reach, most failures first."""
    async with svc.reads() as session:
        return await moderation.failing_servers(session)


async def invites(svc: Services) -> list[Invite]:
    """Every invite, newest first."""
    async with svc.reads() as session:
        return list(await invite_rows.listed(session))


def invite_state(invite: Invite, now: datetime) -> str:
    """revoked, expired, used up, or valid."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return "used up"
    return "valid"


async def revoke_invite(svc: Services, invite_id: int) -> None:
    """Revoke an invite: its link stops working."""
    async with svc.sessions.begin() as session:
        if not await invite_rows.revoke(session, invite_id, utcnow()):
            raise ModerationError(f"There is no unrevoked invite {invite_id}.")
