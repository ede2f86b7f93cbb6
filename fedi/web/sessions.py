"""Browser sessions: quart-auth's signed cookie carries a random session secret whose hash is
a database row (so sign-out and suspension end it), renewed on every sign-in."""

from __future__ import annotations

import ipaddress
import logging
import secrets
import warnings
from typing import Any

from quart import Quart, Response, g, request
from quart_auth import AuthUser, QuartAuth, current_user, login_user, logout_user

from fedi.core.settings import Settings
from fedi.domain import auth
from fedi.web import csrf
from fedi.web.helpers import services
from storage.models import Account

log = logging.getLogger(__name__)
COOKIE = "impasto_session"
CSRF_COOKIE = "impasto_csrf"
DURATION = 30 * 24 * 60 * 60  # a session cookie lives a month unless signed out


class _Auth(QuartAuth):
    async def after_request(self, response: Response) -> Response:
        # TLS ends at the reverse proxy: the request we see is http even though the browser's
        # is https. quart-auth warns about that; the instance URL is what decides `Secure`.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Secure cookies will be ignored")
            return await super().after_request(response)


def install(app: Quart, settings: Settings) -> None:
    """Cookie settings: HttpOnly, SameSite=Lax, Secure when the instance URL is https."""
    secure = settings.instance.url.startswith("https://")
    app.secret_key = settings.instance.secret_key or _ephemeral_secret()
    app.config.update(
        SESSION_COOKIE_NAME=CSRF_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
    )
    _Auth(
        app,
        cookie_name=COOKIE,
        cookie_http_only=True,
        cookie_samesite="Lax",
        cookie_secure=secure,
        duration=DURATION,
        salt="impasto-session",
    )
    app.jinja_env.globals["csrf_token"] = csrf.csrf_token
    app.context_processor(_template_context)


def _ephemeral_secret() -> str:
    log.warning("[instance] secret_key is empty: sessions end when the server restarts")
    return secrets.token_urlsafe(48)


async def _template_context() -> dict[str, Any]:
    return {"signed_in": await signed_in()}


async def signed_in() -> Account | None:
    """The account this browser is signed in as, or None (looked up once per request)."""
    if "impasto_account" not in g:
        secret = current_user.auth_id
        g.impasto_account = await auth.session_account(services(), secret) if secret else None
    account: Account | None = g.impasto_account
    return account


def start(signed: auth.SignedIn) -> None:
    """Set the new session cookie and a fresh CSRF seed (no id from before survives)."""
    csrf.renew()
    login_user(AuthUser(signed.session_token), remember=True)
    g.impasto_account = signed.account


async def end() -> None:
    """End this browser's session, in the database too."""
    secret = current_user.auth_id
    if secret:
        await auth.sign_out(services(), secret)
    logout_user()
    csrf.renew()
    g.impasto_account = None


def client_address() -> str:
    """The browser's address. Behind the reverse proxy on this machine (a loopback peer) it is
    the last address the proxy added to X-Forwarded-For; from anyone else the peer itself."""
    peer = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        loopback = peer == "<local>"
    if loopback and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer
