"""The accounts a caption mentions, looked up before it is rendered: local users by name,
known remote accounts by handle, others through WebFinger (at most MAX_LOOKUPS a post). A
handle that cannot be resolved stays plain text (the post still goes out)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import func, select

from activitypub.actors import ActorParseError
from activitypub.http import FetchError
from activitypub.webfinger import WebFingerError
from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.federation.as2.captions import (
    Caption,
    ascii_host,
    canonical,
    handle_of,
    mention_keys,
    render,
)
from fedi.federation.resolver import find_account, own_host
from storage import accounts
from storage.models import Account

log = logging.getLogger(__name__)

# Remote handles looked up per post; the rest stay text (each lookup is two fetches).
MAX_LOOKUPS = 20


async def _cached(svc: Services, user: str, host: str) -> Account | None:
    """A known account by handle: local ones by name, remote ones by name and actor host.
    None when two remote actors have that name (Lemmy's user and community can): WebFinger
    then says which one the handle means."""
    async with svc.reads() as session:
        if own_host(svc, host):
            account = await accounts.local_account(session, user)
            return None if account is None or account.username == INSTANCE_ACTOR else account
        stmt = select(Account).where(
            Account.domain == host, func.lower(Account.username) == user.lower()
        )
        found = (await session.execute(stmt.limit(2))).scalars().all()
        return found[0] if len(found) == 1 else None


async def _lookup(svc: Services, handle: str) -> Account | None:
    """The account behind a canonical handle, or None when it cannot be found (it then stays
    text)."""
    user, _, host = handle.partition("@")
    try:
        host = ascii_host(host)
        account = await _cached(svc, user, host)
        if account is not None and account.domain and await svc.domain_blocked(account.domain):
            return None  # a blocked server's account: not mentioned, nothing delivered there
        if account is None and not own_host(svc, host):
            account = await find_account(svc, f"{user}@{host}")
        return account
    except (
        UnicodeError,
        UserError,
        FetchError,
        WebFingerError,
        ActorParseError,
    ) as exc:
        log.info("mention of %s left as text: %s", handle, exc)
        return None


async def find_accounts(
    svc: Services, keys: Sequence[str], known: Iterable[Account] = ()
) -> dict[str, Account]:
    """The accounts the mentioned handles name, by canonical handle; `known` ones are used as
    they are, local and cached ones are read, others looked up (WebFinger, signed fetch)."""
    host = svc.settings.instance.host
    found = {handle_of(account, host).lower(): account for account in known}
    wanted = [
        key for key in dict.fromkeys(canonical(key, host) for key in keys) if key not in found
    ]
    results = await asyncio.gather(*(_lookup(svc, key) for key in wanted[:MAX_LOOKUPS]))
    for key, account in zip(wanted, results, strict=False):
        if account is not None:
            found[key] = account
    return found


async def compose(
    svc: Services, text: str, *, author: Account, reply_to: Account | None = None
) -> tuple[str, Caption]:
    """Resolve a caption's mentions and render it. A reply mentions the replied-to author:
    as Mastodon clients prefill it, `@handle ` goes in front unless the caption names them."""
    known = [reply_to] if reply_to is not None else []
    found = await find_accounts(svc, mention_keys(text), known)
    host = svc.settings.instance.host
    tags_base = f"{svc.urls.base}/tags"
    caption = render(text, found, tags_base=tags_base, local_host=host)
    if reply_to is None or reply_to.id == author.id or _mentions(caption, reply_to):
        return text, caption
    handle = reply_to.username if reply_to.domain is None else handle_of(reply_to, host)
    text = f"@{handle} {text}".rstrip()
    caption = render(text, found, tags_base=tags_base, local_host=host)
    if not _mentions(caption, reply_to):  # a handle the parser cannot read (an IPv6 host)
        caption = replace(caption, mentions=(reply_to, *caption.mentions))
    return text, caption


def _mentions(caption: Caption, account: Account) -> bool:
    return any(mentioned.id == account.id for mentioned in caption.mentions)
