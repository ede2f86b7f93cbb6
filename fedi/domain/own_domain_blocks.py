"""A user blocks a whole server for themselves (Mastodon's account domain block, not the
instance's `impasto admin` block): nothing from its accounts reaches them (timelines,
notifications, threads: `storage.timelines.shown`), and follows with its accounts end both
ways (Undo of ours, Reject of theirs, as Mastodon's AfterBlockDomainFromAccountService)."""

from __future__ import annotations

import re

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.federation.as2 import activities
from fedi.federation.as2.captions import ascii_host
from fedi.federation.outbox import queue
from storage import account_domain_blocks
from storage.models import Account
from storage.timelines import Window

HOST = re.compile(
    r"^(?=.{1,255}$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:\d{1,5})?$"
)


class DomainBlockError(UserError):
    """A server name that cannot be blocked; the message says why."""


def server_name(svc: Services, text: str) -> str:
    """The server a user names (`example.com`, `https://Example.com/`), as accounts store
    it; DomainBlockError for what is not one, or this server."""
    name = text.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/.")
    try:
        name = ascii_host(name) if name else ""
    except UnicodeError:
        name = ""
    if not HOST.match(name):
        raise DomainBlockError(f"{text!r} is not a server name")
    if name == svc.settings.instance.host.lower():
        raise DomainBlockError("you cannot block your own server")
    return name


async def block_server(svc: Services, username: str, text: str) -> bool:
    """Block a server for the user and end follows with its accounts, in one transaction;
    False if it was blocked already."""
    domain = server_name(svc, text)
    async with svc.sessions.begin() as session:
        me = await acting_user(session, username)
        if not await account_domain_blocks.add(session, me.id, domain):
            return False
        for follow, follower, target in await account_domain_blocks.follows_with(
            session, me.id, domain
        ):
            await session.delete(follow)
            if follower.id == me.id:
                undo = activities.undo(
                    svc, me, activities.follow(follow, me, target), to=[target.uri]
                )
                await queue(session, me, undo, [target.inbox_url])
            else:
                reject = activities.follow_answer(svc, "Reject", follow, follower, me)
                await queue(session, me, reject, [follower.inbox_url])
    svc.delivery_wakeup.set()
    return True


async def unblock_server(svc: Services, username: str, text: str) -> bool:
    """Lift the user's block of a server; False if there was none."""
    domain = server_name(svc, text)
    async with svc.sessions.begin() as session:
        me = await acting_user(session, username)
        return await account_domain_blocks.remove(session, me.id, domain)


async def blocked_servers(svc: Services, viewer: Account, window: Window) -> list[tuple[int, str]]:
    """(block id, server) of the servers the user blocks, newest first."""
    async with svc.reads() as session:
        return await account_domain_blocks.page(session, viewer.id, window)
