"""Mastodon API entities (docs.joinmastodon.org/entities/) built from rows, in one place:
Application, CredentialApplication, Token and the signed-in user's Account."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from fedi.core.services import Services
from storage.account_counts import counts
from storage.auth_models import OAuthApplication, OAuthToken
from storage.models import Account
from storage.timeutil import as_utc

# Shown where an account has no picture (Mastodon serves a `missing.png` the same way).
MISSING_IMAGE = "/static/missing.png"


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Mastodon writes datetimes."""
    return as_utc(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{as_utc(value).microsecond // 1000:03d}Z"
    )


def application(app: OAuthApplication) -> dict[str, Any]:
    """The Application entity (GET /api/v1/apps/verify_credentials)."""
    uris = app.redirect_uris.split()
    return {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(uris),  # deprecated in Mastodon 4.3 but still sent
        "redirect_uris": uris,
        "vapid_key": "",  # no Web Push here (yet)
    }


def credential_application(app: OAuthApplication, client_secret: str) -> dict[str, Any]:
    """The CredentialApplication entity (POST /api/v1/apps): the app plus its credentials."""
    return {
        **application(app),
        "client_id": app.client_id,
        "client_secret": client_secret,
        "client_secret_expires_at": 0,  # never
    }


def token(row: OAuthToken, secret: str) -> dict[str, Any]:
    """The Token entity (POST /oauth/token)."""
    return {
        "access_token": secret,
        "token_type": "Bearer",
        "scope": row.scopes,
        "created_at": int(as_utc(row.created_at).timestamp()),
    }


async def credential_account(svc: Services, account: Account) -> dict[str, Any]:
    """The Account entity of the signed-in user, with its `source` (verify_credentials)."""
    async with svc.reads() as session:
        numbers = await counts(session, account.id)
    base = svc.settings.instance.url
    avatar = account.icon_url or base + MISSING_IMAGE
    created = as_utc(account.created_at).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": account.username,  # local accounts: no @domain (Mastodon's rule)
        "display_name": account.display_name,
        "locked": account.manually_approves_followers,
        "bot": account.actor_type in ("Service", "Application"),
        "discoverable": account.discoverable,
        "group": account.actor_type == "Group",
        "created_at": timestamp(created),  # Mastodon rounds it to the day
        "note": f"<p>{escape(account.summary)}</p>" if account.summary else "",
        "url": account.url or svc.urls.profile(account.username),
        "uri": account.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": base + MISSING_IMAGE,
        "header_static": base + MISSING_IMAGE,
        "followers_count": numbers.followers,
        "following_count": numbers.following,
        "statuses_count": numbers.statuses,
        "last_status_at": as_utc(numbers.last_status_at).date().isoformat()
        if numbers.last_status_at
        else None,
        "emojis": [],
        "fields": [],
        "source": {
            "privacy": "public",
            "sensitive": False,
            "language": None,
            "note": account.summary,
            "fields": [],
            "follow_requests_count": numbers.follow_requests,
        },
    }
