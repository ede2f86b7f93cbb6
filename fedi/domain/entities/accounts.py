"""The Account entities: Account (local and remote alike), CredentialAccount (the signed-in
user, with `source`) and Relationship, shaped as docs.joinmastodon.org/entities/Account and
/Relationship give them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from fedi.core.services import Services
from fedi.domain.entities.formats import MISSING_IMAGE, day, midnight
from fedi.federation.as2.actors import bio_html, profile_fields
from storage import people
from storage.account_counts import AccountCounts, counts
from storage.models import Account
from storage.relationships import Relationship

NO_COUNTS = AccountCounts(0, 0, 0, None, 0)


class Named(Protocol):
    """What a handle and a profile's page are made of (an Account row, or a mention's)."""

    @property
    def username(self) -> str: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def uri(self) -> str: ...


def acct(account: Named) -> str:
    """The handle Mastodon shows: the username for a local account, user@host for a remote."""
    return account.username if account.domain is None else f"{account.username}@{account.domain}"


def profile_url(svc: Services, account: Named) -> str:
    """The account's page: ours for a local account, the one its server names (else its actor
    id) for a remote one, as Mastodon's `url`."""
    if account.domain is None:
        return svc.urls.profile(account.username)
    return account.url or account.uri


def avatar_url(svc: Services, account: Account) -> str | None:
    """The avatar this server serves for the account: a local one's own, a remote one's copy
    made here (fedi.workers.account_images); None without one. What the pages show (they
    never load another host's file) and the API gives."""
    return _served(svc, account, account.icon_url, account.avatar_file)


def header_url(svc: Services, account: Account) -> str | None:
    """The header picture this server serves for the account, as `avatar_url`."""
    return _served(svc, account, account.header_url, account.header_file)


def _served(svc: Services, account: Account, own: str | None, copy: str | None) -> str | None:
    if account.domain is not None:
        return svc.urls.media(copy) if copy else None
    return own if own and own.startswith(svc.urls.base.rstrip("/") + "/") else None


def _note(svc: Services, account: Account) -> str:
    # A local bio is plain text; a remote one would arrive as HTML, sanitised on arrival.
    return bio_html(svc, account.summary) if account.domain is None else account.summary


def _fields(svc: Services, account: Account) -> list[dict[str, Any]]:
    # Mastodon's Field: value as HTML; verified_at stays null (no rel=me check here).
    if account.domain is not None:
        return []
    return [
        {"name": name, "value": value, "verified_at": None}
        for name, value in profile_fields(svc, account)
    ]


def account(svc: Services, row: Account, numbers: AccountCounts = NO_COUNTS) -> dict[str, Any]:
    """The Account entity of a local or remote account, with its counts."""
    if row.suspended_since is not None:
        return _suspended(svc, row)
    missing = svc.settings.instance.url + MISSING_IMAGE  # as Mastodon: never null
    avatar = avatar_url(svc, row) or missing
    header = header_url(svc, row) or missing
    return {
        "id": str(row.id),
        "username": row.username,
        "acct": acct(row),
        "display_name": row.display_name,
        "locked": row.manually_approves_followers,
        "bot": row.actor_type in ("Service", "Application"),
        "discoverable": row.discoverable,
        "indexable": False,  # no full-text search here to index posts for
        "group": row.actor_type == "Group",
        "created_at": midnight(row.created_at),  # Mastodon rounds it to the day
        "note": _note(svc, row),
        "url": profile_url(svc, row),
        "uri": row.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": numbers.followers,
        "following_count": numbers.following,
        "statuses_count": numbers.statuses,
        "last_status_at": day(numbers.last_status_at) if numbers.last_status_at else None,
        "hide_collections": False,  # followers and following are public here
        "emojis": [],
        "roles": [],
        "fields": _fields(svc, row),
    }


def _suspended(svc: Services, row: Account) -> dict[str, Any]:
    """What Mastodon serves of an account an admin suspended: who it is and `suspended: true`,
    nothing of its profile (no name, bio, pictures or fields) and no counts."""
    missing = svc.settings.instance.url + MISSING_IMAGE
    return {
        "id": str(row.id),
        "username": row.username,
        "acct": acct(row),
        "display_name": "",
        "locked": False,
        "bot": False,
        "discoverable": False,
        "indexable": False,
        "group": False,
        "created_at": midnight(row.created_at),
        "note": "",
        "url": profile_url(svc, row),
        "uri": row.uri,
        "avatar": missing,
        "avatar_static": missing,
        "header": missing,
        "header_static": missing,
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "hide_collections": False,
        "emojis": [],
        "roles": [],
        "fields": [],
        "suspended": True,
    }


async def accounts(svc: Services, rows: Sequence[Account]) -> list[dict[str, Any]]:
    """Account entities of these accounts, their counts read in one go."""
    async with svc.reads() as session:
        numbers = await people.counts_of(session, [row.id for row in rows])
    return [account(svc, row, numbers.get(row.id, NO_COUNTS)) for row in rows]


async def one_account(svc: Services, row: Account) -> dict[str, Any]:
    """The Account entity of one account."""
    return (await accounts(svc, [row]))[0]


async def credential_account(svc: Services, row: Account) -> dict[str, Any]:
    """The CredentialAccount entity: the signed-in user's Account with its `source` (what
    the profile and posting settings hold), as verify_credentials answers."""
    async with svc.reads() as session:
        numbers = await counts(session, row.id)
    return {
        **account(svc, row, numbers),
        "source": {
            "privacy": row.default_privacy,
            "sensitive": row.default_sensitive,
            "language": row.default_language,  # '' for none (Mastodon never sends null)
            "note": row.summary,
            "fields": [{**f, "verified_at": None} for f in row.profile_fields or []],
            "follow_requests_count": numbers.follow_requests,
            "hide_collections": False,
            "discoverable": row.discoverable,
            "indexable": False,
            "attribution_domains": [],
        },
    }


def relationship(found: Relationship) -> dict[str, Any]:
    """The Relationship entity. No mutes, notes, endorsements or per-account notifications
    exist here: those are always off."""
    return {
        "id": str(found.account_id),
        "following": found.following,
        "showing_reblogs": found.following or found.requested,
        "notifying": False,
        "followed_by": found.followed_by,
        "blocking": found.blocking,
        "blocked_by": found.blocked_by,
        "muting": False,
        "muting_notifications": False,
        "muting_expires_at": None,
        "requested": found.requested,
        "requested_by": found.requested_by,
        "domain_blocking": found.domain_blocking,
        "endorsed": False,
        "note": "",
        "languages": None,
    }
