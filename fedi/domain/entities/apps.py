"""The OAuth entities: Application, CredentialApplication and Token."""

from __future__ import annotations

from typing import Any

from storage.auth_models import OAuthApplication, OAuthToken
from storage.timeutil import as_utc


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
