"""OAuth 2 as Mastodon speaks it (Doorkeeper underneath): apps, authorization codes bound to
their redirect URI and PKCE challenge, and access tokens limited to their scopes.

Errors carry the RFC 6749 error code and Doorkeeper's description, so the web layer only has
to render them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain import scopes as scope_rules
from fedi.domain.auth import digest, may_sign_in, new_secret
from storage import oauth
from storage.auth_models import OAuthApplication, OAuthCode, OAuthToken
from storage.models import Account
from storage.timeutil import as_utc, utcnow

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)  # Doorkeeper's authorization_code_expires_in
_PKCE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 §4.1 (verifier) and §4.2
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


class OAuthError(Exception):
    """An OAuth error: `error` is the RFC 6749 code, `description` says why; `status` is the
    HTTP status. At /oauth/authorize `redirect` tells whether it may go back to the client
    (a bad client or redirect URI is shown to the person instead, RFC 6749 §4.1.2.1)."""

    def __init__(self, error: str, description: str, *, status: int = 400, redirect: bool = True):
        super().__init__(description)
        self.error, self.description, self.status, self.redirect = (
            error,
            description,
            status,
            redirect,
        )


@dataclass(frozen=True)
class AuthRequest:
    """A checked authorization request: what the consent page shows and the code binds."""

    app: OAuthApplication
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None


@dataclass(frozen=True)
class Issued:
    """A new access token: its row and its secret, which is shown once and never stored."""

    token: OAuthToken
    secret: str


@dataclass(frozen=True)
class Grant:
    """What an access token presented to the API stands for."""

    token_id: int
    application_id: int
    account: Account | None  # None for a client_credentials (app-only) token
    scopes: tuple[str, ...]


async def authorization_request(
    svc: Services,
    *,
    client_id: str,
    redirect_uri: str | None,
    response_type: str | None,
    scope: str | None,
    state: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> AuthRequest:
    """Check the parameters of GET/POST /oauth/authorize; raises OAuthError."""
    async with svc.reads() as session:
        app = await oauth.application_by_client_id(session, client_id) if client_id else None
    if app is None:
        raise OAuthError("invalid_client", INVALID_CLIENT, status=401, redirect=False)
    registered = app.redirect_uris.split()
    if not redirect_uri and len(registered) == 1:
        redirect_uri = registered[0]  # RFC 6749 §3.1.2.3: the only one may be left out
    if not redirect_uri or redirect_uri not in registered:
        raise OAuthError(
            "invalid_redirect_uri",
            "The redirect uri included is not valid.",
            redirect=False,
        )
    if response_type != "code":
        raise OAuthError(
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        )
    requested = _requested_scopes(scope, app)
    challenge = _challenge(code_challenge, code_challenge_method)
    return AuthRequest(app, redirect_uri, requested, state or None, challenge)


def _requested_scopes(scope: str | None, app: OAuthApplication) -> tuple[str, ...]:
    try:
        requested = scope_rules.parse(scope)
    except scope_rules.ScopeError:
        requested = ()
    if not requested or not scope_rules.within(requested, tuple(app.scopes.split())):
        raise OAuthError(
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed.",
        )
    return requested


def _challenge(challenge: str | None, method: str | None) -> str | None:
    if not challenge:
        return None
    # Only S256, as Mastodon (pkce_code_challenge_methods ['S256']); `plain` gives nothing.
    if method != "S256":
        raise OAuthError("invalid_request", "Invalid code_challenge_method: only S256 is allowed.")
    if not _PKCE.match(challenge):
        raise OAuthError("invalid_request", "The code_challenge is malformed.")
    return challenge


async def issue_code(svc: Services, request: AuthRequest, account: Account) -> str:
    """Make the single-use code a signed-in person's consent gives the client."""
    code = new_secret()
    async with svc.sessions.begin() as session:
        await oauth.add_code(
            session,
            code_hash=digest(code),
            application_id=request.app.id,
            account_id=account.id,
            redirect_uri=request.redirect_uri,
            scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge,
            expires_at=utcnow() + CODE_LIFETIME,
        )
    return code


async def client(
    svc: Services, client_id: str | None, client_secret: str | None
) -> OAuthApplication:
    """The app whose id and secret these are; raises OAuthError invalid_client (401)."""
    app = None
    if client_id and client_secret:
        async with svc.reads() as session:
            app = await oauth.application_by_client_id(session, client_id)
    if app is None or not hmac.compare_digest(app.client_secret_hash, digest(client_secret or "")):
        raise OAuthError("invalid_client", INVALID_CLIENT, status=401)
    return app


async def exchange_code(
    svc: Services,
    app: OAuthApplication,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> Issued:
    """The authorization_code grant: a code, once, for a token. A code presented again
    revokes the token it became (RFC 6749 §4.1.2)."""
    if not code:
        raise OAuthError("invalid_request", "Missing required parameter: code.")
    async with svc.sessions.begin() as session:
        row = await oauth.code_by_hash(session, digest(code))
        if row is None or row.application_id != app.id:
            raise OAuthError("invalid_grant", INVALID_GRANT)
        if row.used_at is None:
            _check_code(row, redirect_uri, code_verifier)
            if await oauth.use_code(session, row.id, utcnow()):
                secret, token = await add_token(session, app.id, row.account_id, row.scopes)
                await oauth.link_code(session, row.id, token.id)
                return Issued(token, secret)
        elif row.token_id is not None:  # replayed: committed on leaving the transaction
            await oauth.revoke_token(session, row.token_id)
    raise OAuthError("invalid_grant", INVALID_GRANT)


def _check_code(row: OAuthCode, redirect_uri: str | None, verifier: str | None) -> None:
    if as_utc(row.expires_at) <= utcnow() or redirect_uri != row.redirect_uri:
        raise OAuthError("invalid_grant", INVALID_GRANT)
    if row.code_challenge is None:
        if verifier:  # OAuth 2.1 §4.1.3: a verifier without a challenge is refused
            raise OAuthError("invalid_grant", "A code_verifier was sent but no code_challenge.")
        return
    if not verifier or not _PKCE.match(verifier):
        raise OAuthError("invalid_grant", "The code_verifier is missing or malformed.")
    computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    if not hmac.compare_digest(computed.rstrip(b"=").decode(), row.code_challenge):
        raise OAuthError("invalid_grant", "The code_verifier does not match the code_challenge.")


async def client_credentials(svc: Services, app: OAuthApplication, scope: str | None) -> Issued:
    """The client_credentials grant: a token for the app itself, with no user."""
    requested = _requested_scopes(scope, app)
    async with svc.sessions.begin() as session:
        secret, token = await add_token(session, app.id, None, " ".join(requested))
    return Issued(token, secret)


async def add_token(
    session: AsyncSession, app_id: int, account_id: int | None, scopes: str
) -> tuple[str, OAuthToken]:
    """Insert a new token in an open transaction; returns its secret and its row."""
    secret = new_secret()
    token = await oauth.add_token(
        session,
        token_hash=digest(secret),
        application_id=app_id,
        account_id=account_id,
        scopes=scopes,
    )
    return secret, token


class TokenError(Exception):
    """A bearer token that does not let anyone in; the message is Mastodon's."""


async def authenticate(svc: Services, secret: str) -> Grant:
    """What a bearer token grants; raises TokenError when it is unknown, revoked, or its user
    may no longer sign in."""
    found = None
    if secret:
        async with svc.reads() as session:
            found = await oauth.token_with_account(session, digest(secret))
    if found is None:
        raise TokenError("The access token is invalid")
    token, account = found
    if token.account_id is not None and not may_sign_in(account):
        raise TokenError("The access token is invalid")
    if token.revoked_at is not None:
        raise TokenError("The access token was revoked")
    return Grant(token.id, token.application_id, account, tuple(token.scopes.split()))


async def revoke(svc: Services, app: OAuthApplication, secret: str | None) -> None:
    """Revoke a token of this app; an unknown token is no error (RFC 7009 §2.2), another
    app's token is refused (403 unauthorized_client, as Doorkeeper answers)."""
    async with svc.sessions.begin() as session:
        token = await oauth.token_by_hash(session, digest(secret)) if secret else None
        if token is None:
            return
        if token.application_id != app.id:
            raise OAuthError(
                "unauthorized_client",
                "You are not authorized to revoke this token",
                status=403,
            )
        await oauth.revoke_token(session, token.id)


async def application(svc: Services, app_id: int) -> OAuthApplication | None:
    """The app with this id, or None."""
    async with svc.reads() as session:
        return await oauth.application_by_id(session, app_id)
