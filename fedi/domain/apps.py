"""Registering OAuth clients (POST /api/v1/apps, `impasto token create`), with Mastodon's
validation rules."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import scopes as scope_rules
from fedi.domain.accounts import acting_user
from fedi.domain.auth import digest, may_sign_in, new_secret
from fedi.domain.oauth import OOB, Issued, add_token
from storage import oauth
from storage.auth_models import OAuthApplication

NAME_LIMIT = 60  # Mastodon's limits on an application's name, website and redirect URIs
URL_LIMIT = 2000
# Schemes a browser would run or read rather than hand to an app.
_FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "about", "blob"})


class AppError(UserError):
    """The app cannot be registered; the message is Mastodon's 422 'Validation failed: …'."""


@dataclass(frozen=True)
class Registered:
    """A new app and its secret, which is shown once and stored only hashed."""

    app: OAuthApplication
    client_secret: str


def redirect_uri_list(value: str | list[str] | None) -> list[str]:
    """Redirect URIs given as one string (several split by white space, as Mastodon splits
    them) or as a list."""
    items = [value] if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(uri for item in items for uri in str(item).split()))


def _check(name: str, uris: list[str], website: str | None) -> list[str]:
    problems = []
    if not name.strip():
        problems.append("Application name can't be blank")
    elif len(name) > NAME_LIMIT:
        problems.append(f"Application name is too long (maximum is {NAME_LIMIT} characters)")
    if not uris:
        problems.append("Redirect URI can't be blank")
    for uri in uris:
        if uri == OOB:
            continue
        parts = urlsplit(uri)
        if not parts.scheme or len(uri) > URL_LIMIT:
            problems.append("Redirect URI must be an absolute URI.")
        elif parts.fragment:
            problems.append("Redirect URI cannot contain a fragment.")
        elif parts.scheme.lower() in _FORBIDDEN_SCHEMES:
            problems.append("Redirect URI is not allowed.")
    if website and (len(website) > URL_LIMIT or urlsplit(website).scheme not in ("http", "https")):
        problems.append("Website is invalid")
    return problems


async def register(
    svc: Services,
    name: str,
    redirect_uris: str | list[str] | None,
    scopes: str | None = None,
    website: str | None = None,
    *,
    owner_id: int | None = None,
) -> Registered:
    """Register a client app; raises AppError with Mastodon's validation messages."""
    uris = redirect_uri_list(redirect_uris)
    problems = _check(name, uris, website)
    try:
        granted = scope_rules.parse(scopes)
    except scope_rules.ScopeError:
        problems.append("Scopes must only contain valid scopes")
        granted = ()
    if problems:
        raise AppError(f"Validation failed: {', '.join(dict.fromkeys(problems))}")
    secret = new_secret()
    async with svc.sessions.begin() as session:
        app = await oauth.add_application(
            session,
            name=name.strip(),
            website=website or None,
            redirect_uris="\n".join(uris),
            scopes=" ".join(granted),
            client_id=new_secret(),
            client_secret_hash=digest(secret),
            owner_id=owner_id,
        )
    return Registered(app, secret)


async def personal_token(svc: Services, username: str, scopes: str | None) -> Issued:
    """A token for scripts and bots (`impasto token create`): an app of its own, owned by the
    user, so that revoking it touches nothing else."""
    async with svc.reads() as session:
        account = await acting_user(session, username)
    if not may_sign_in(account):
        raise AppError(f"{username!r} may not sign in")
    registered = await register(svc, "impasto token", OOB, scopes, owner_id=account.id)
    async with svc.sessions.begin() as session:
        secret, token = await add_token(
            session, registered.app.id, account.id, registered.app.scopes
        )
    return Issued(token, secret)
