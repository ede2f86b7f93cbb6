"""Search as Mastodon answers it without Elasticsearch: accounts by the start of their name,
hashtags by the start of theirs, and, when asked to resolve (a signed-in user only), an
account by `@user@host` or a post or account by its URL, looked up on its server and stored.
Posts are never searched by their text. A lookup that fails finds nothing; it is no error."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from activitypub.activities import ActivityError
from activitypub.actors import ActorParseError
from activitypub.http import FetchError
from activitypub.webfinger import WebFingerError
from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain import account_reads, status_reads
from fedi.domain.lookup import fetch_post_or_actor, find_post
from fedi.federation.resolver import find_account, local_name, own_host
from storage import accounts as stored_accounts
from storage import search as stored
from storage.models import Account, Post
from storage.timelines import Entry

log = logging.getLogger(__name__)
T = TypeVar("T")

TYPES = ("accounts", "statuses", "hashtags")
# Mastodon's Tag::HASHTAG_NAME_RE, letters, digits and underscores (and the middle dot).
_HASHTAG = re.compile(r"^#?([\w·]*[^\W\d_][\w·]*)$")
# `@user@host` or `user@host`: a handle to look up with WebFinger.
_HANDLE = re.compile(r"^@?[^@\s/]+@[^@\s/]+$")


@dataclass(frozen=True)
class Query:
    """What was asked: the text, which kinds (`type`, None: all), and the options."""

    text: str
    kind: str | None = None
    resolve: bool = False
    following: bool = False
    account_id: int | None = None
    limit: int = 20
    offset: int = 0

    def wants(self, kind: str) -> bool:
        """Whether results of this kind are asked for."""
        return self.kind is None or self.kind == kind


@dataclass
class Results:
    """What was found, each kind in order."""

    accounts: list[Account] = field(default_factory=list)
    statuses: list[Entry] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)


def is_url(text: str) -> bool:
    """Whether the query is a URL (then it is resolved, never searched as text)."""
    return text.lower().startswith(("https://", "http://"))


async def search(svc: Services, viewer: Account | None, query: Query) -> Results:
    """What `query` finds for `viewer` (resolving only for a viewer)."""
    text = query.text.strip()
    found = Results()
    if not text:
        return found
    if is_url(text):
        if query.offset == 0:  # one thing at most; later pages are empty
            await _by_url(svc, viewer, text, query, found)
        return found
    if query.wants("accounts"):
        found.accounts = await _accounts(svc, viewer, text, query)
    if query.wants("hashtags"):
        found.hashtags = await _hashtags(svc, text, query)
    return found


async def accounts(svc: Services, viewer: Account, query: Query) -> list[Account]:
    """GET /api/v1/accounts/search: accounts only."""
    text = query.text.strip()
    return await _accounts(svc, viewer, text, query) if text else []


async def _accounts(
    svc: Services, viewer: Account | None, text: str, query: Query
) -> list[Account]:
    resolved = None
    if query.resolve and viewer is not None and _HANDLE.match(text) and query.offset == 0:
        resolved = await _quietly(find_account(svc, text))
    username, _, host = text.lstrip("@").partition("@")
    own = bool(host) and own_host(svc, host)
    where = stored.AccountQuery(
        text=username,
        domain=("" if own else host.lower()) if host else None,
        following_of=viewer.id if query.following and viewer is not None else None,
        viewer_id=viewer.id if viewer is not None else None,
        hidden_name=INSTANCE_ACTOR,
    )
    async with svc.reads() as session:
        rows = await stored.accounts(session, where, limit=query.limit, offset=query.offset)
    if isinstance(resolved, Account) and _listable(resolved, query, rows):
        rows = [resolved, *[row for row in rows if row.id != resolved.id]][: query.limit]
    return rows


def _listable(account: Account, query: Query, rows: list[Account]) -> bool:
    if account.suspended_at is not None or account.suspended_since is not None:
        return False
    # With `following`, a resolved account is listed only if it is among those followed.
    return not query.following or any(row.id == account.id for row in rows)


def hashtag_name(text: str) -> str | None:
    """The hashtag `text` names (`#Name` or `Name`), as stored: lower case; None when it is
    not a hashtag (Mastodon's rule: word characters, at least one of them not a digit)."""
    named = _HASHTAG.match(text.strip())
    return named.group(1).lower() if named else None


async def _hashtags(svc: Services, text: str, query: Query) -> list[str]:
    name = hashtag_name(text)
    if name is None:
        return []
    async with svc.reads() as session:
        names = await stored.hashtags(session, name, limit=query.limit, offset=query.offset)
    if query.offset == 0 and name not in names:  # the exact tag first, as Mastodon
        names = [name, *names][: query.limit]
    return names


async def _by_url(
    svc: Services, viewer: Account | None, url: str, query: Query, found: Results
) -> None:
    """A post or account stored under this URL; else, for a viewer asking to resolve, the
    one its server serves there."""
    thing: Post | Account | None = await _quietly(find_post(svc, url, fetch=False))
    if thing is None:
        thing = await _quietly(_stored_account(svc, url))
    if thing is None and query.resolve and viewer is not None:
        thing = await _quietly(fetch_post_or_actor(svc, url))
    if isinstance(thing, Post) and query.wants("statuses"):
        if query.account_id is None or thing.account_id == query.account_id:
            found.statuses = await status_reads.statuses(svc, viewer, [thing.id])
    elif isinstance(thing, Account) and query.wants("accounts"):
        shown = await _quietly(account_reads.account(svc, thing.id))  # not suspended, nor blocked
        found.accounts = [shown] if shown is not None else []


async def _stored_account(svc: Services, url: str) -> Account | None:
    """The account an actor URL names: ours from the database, a remote one if stored."""
    if local_name(svc, url) is not None:
        return await find_account(svc, url)
    async with svc.reads() as session:
        return await stored_accounts.by_uri(session, url)


async def _quietly(lookup: Awaitable[T]) -> T | None:
    """The lookup's answer, or None when it finds nothing or its server fails us."""
    try:
        return await lookup
    except (UserError, FetchError, WebFingerError, ActivityError, ActorParseError) as exc:
        log.info("search found nothing: %s", getattr(exc, "reason", exc))
        return None
