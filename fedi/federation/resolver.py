"""From what a person (or a caption) names to an account: a name, a handle or an actor URL.

One rule for every use (follows, follow requests, blocks, mentions): whatever names this
server's own origin, compared as parsed scheme, host and port, is a local account, read from
the database and never looked up over HTTP (a lookup of ourselves would store our own user as
a remote actor; on the default configuration it is refused as "not a public address"
anyway). Anything else is a remote actor, found by WebFinger or fetched from its origin.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from activitypub import webfinger
from activitypub.actors import ActorParseError
from activitypub.http import FetchError
from activitypub.urls import ids_equal, same_origin
from activitypub.webfinger import WebFingerError, parse_handle
from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.federation.actors import get_actor
from storage import accounts
from storage.models import Account

# Our actor ids (/users/NAME) and profile pages (/@NAME).
_ACTOR_PATH = re.compile(r"^/(?:users/|@)([^/]+)/?$")


class AccountNotFound(UserError):
    """No account answers to what was named; the message says why."""


def own_host(svc: Services, host: str) -> bool:
    """Whether `host` (host[:port], as in a handle) is this server's own."""
    if not host or any(c in host for c in "@/?#\\ "):
        return False  # not a host (`zed@x@ourhost` names nobody here)
    scheme = urlsplit(svc.urls.base).scheme
    return same_origin(f"{scheme}://{host}/", svc.urls.base)


def local_name(svc: Services, reference: str) -> str | None:
    """The local username `reference` names: `zed`, `@zed`, `zed@ourhost`, `@zed@ourhost`,
    or our actor or profile URL; None when it names another server. AccountNotFound for a URL
    of ours that names no account (a post, say)."""
    ref = reference.strip()
    if ref.lower().startswith(("http://", "https://")):
        if not same_origin(ref, svc.urls.base):
            return None
        named = _ACTOR_PATH.match(urlsplit(ref).path)
        if named is None:
            raise AccountNotFound(f"{reference} is not an account on this server")
        return named.group(1)
    user, at, host = ref.removeprefix("acct:").lstrip("@").partition("@")
    if not user:
        raise AccountNotFound(f"{reference!r} names nobody")
    return user if not at or own_host(svc, host) else None


async def find_account(svc: Services, reference: str) -> Account:
    """The account a name, handle or actor URL names: a local one from the database, a
    remote one found by WebFinger or fetched (and cached)."""
    username = local_name(svc, reference)
    if username is not None:
        return await _local(svc, username, reference)
    return await _remote(svc, reference.strip())


async def _local(svc: Services, username: str, reference: str) -> Account:
    async with svc.reads() as session:
        account = await accounts.local_account(session, username)
    if account is None or account.username == INSTANCE_ACTOR:
        raise AccountNotFound(f"no local user {reference!r}")
    return account


def names(svc: Services, account: Account, reference: str) -> bool:
    """Whether `reference` (a name, handle or actor URL) names `account`, read without a
    lookup (for choosing among accounts already at hand, as follow requests are)."""
    try:
        username = local_name(svc, reference)
    except AccountNotFound:
        return False
    if username is not None:
        return account.is_local and account.username.lower() == username.lower()
    if ids_equal(account.uri, reference.strip()):
        return True
    handle = reference.strip().removeprefix("acct:").lstrip("@").lower()
    return not account.is_local and f"{account.username}@{account.domain}".lower() == handle


async def _remote(svc: Services, handle_or_url: str) -> Account:
    """A remote account by `user@host` handle or actor URL, fetched if not cached."""
    is_url = handle_or_url.lower().startswith(("http://", "https://"))
    host = urlsplit(handle_or_url).netloc if is_url else handle_or_url.rpartition("@")[2]
    if await svc.domain_blocked(host):
        raise AccountNotFound(f"{host} is blocked on this server")
    try:
        if is_url:
            return await get_actor(svc, handle_or_url)
        found = await webfinger.canonical(
            svc.http, handle_or_url, scheme_of=lambda host: webfinger_scheme(svc, host)
        )
        handle = found.subject or handle_or_url
        for server in (parse_handle(handle)[1], urlsplit(found.actor).netloc):
            if await svc.domain_blocked(server):  # a handle in front of it
                raise AccountNotFound(f"{handle_or_url} is an account on a server blocked here")
        if same_origin(found.actor, svc.urls.base):
            raise AccountNotFound(
                f"{handle_or_url} points to {found.actor}, a user of this server: name them"
                " by their name here"
            )
        account = await get_actor(svc, found.actor)
        await _confirm_handle(svc, handle, account)
        return account
    except (WebFingerError, FetchError, ActorParseError) as exc:
        raise AccountNotFound(
            f"cannot find {handle_or_url}: {getattr(exc, 'reason', exc)}"
        ) from exc


async def _confirm_handle(svc: Services, handle: str, account: Account) -> None:
    """A handle's server may name an actor on another server (a domain of one's own in front
    of a big instance), but only if the actor's server claims that handle too, as Mastodon
    checks: otherwise anyone could put any account behind a name of their choosing."""
    user, host = parse_handle(handle)
    actor_host = urlsplit(account.uri).netloc.lower()
    if actor_host == host:
        return
    claimed = await webfinger.resolve(
        svc.http, f"{account.username}@{actor_host}", scheme=webfinger_scheme(svc, actor_host)
    )
    if claimed.actor != account.uri or claimed.subject != f"{user.lower()}@{host}":
        raise AccountNotFound(
            f"{user}@{host} points to {account.uri}, whose server does not confirm that handle"
        )


def webfinger_scheme(svc: Services, host: str) -> str:
    """How WebFinger is asked of `host`: plain http on loopback when private addresses are
    allowed (tests, local development), else https. Never of ourselves: a remote handle
    whose canonical handle is one of ours is AccountNotFound, before any request."""
    if own_host(svc, host):
        raise AccountNotFound(f"{host} is this server: name its user by their name here")
    name = host.rsplit(":", 1)[0].strip("[]")
    loopback = name in ("localhost", "::1") or name.startswith("127.")
    return "http" if svc.settings.federation.allow_private_addresses and loopback else "https"
