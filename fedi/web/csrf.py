"""CSRF tokens for every form: a random seed in the (signed, HttpOnly) Quart session cookie,
and in the form that seed signed with a timestamp by itsdangerous, as Flask-WTF does it.

No maintained CSRF library exists for Quart (quart-csrf and quart-wtf are unmaintained
one-off ports; Flask-WTF needs Flask), and itsdangerous is already here under Quart."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from itsdangerous import BadData, URLSafeTimedSerializer
from quart import current_app, session

SALT = "impasto-csrf"
FIELD = "csrf_token"
MAX_AGE = 12 * 60 * 60  # a form left open for half a day still works


class CsrfError(Exception):
    """The form's CSRF token is missing, forged, stale, or from another browser."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=SALT)


def csrf_token() -> str:
    """The token to put in a form (a hidden `csrf_token` field); sets the seed if needed."""
    seed = session.get("csrf")
    if not isinstance(seed, str):
        seed = session["csrf"] = secrets.token_urlsafe(32)
    return _serializer().dumps(seed)


def check_csrf(form: Mapping[str, str]) -> None:
    """Raise CsrfError unless the form carries a valid token for this browser's seed."""
    token = form.get(FIELD, "")
    seed = session.get("csrf")
    if not token or not isinstance(seed, str):
        raise CsrfError("the form has no CSRF token, or this browser has no session")
    try:
        signed = _serializer().loads(token, max_age=MAX_AGE)
    except BadData as exc:
        raise CsrfError("the form's CSRF token is invalid or expired") from exc
    if not isinstance(signed, str) or not hmac.compare_digest(signed, seed):
        raise CsrfError("the form's CSRF token belongs to another session")


def renew() -> None:
    """Forget the seed (on sign-in and sign-out), so tokens from before stop working."""
    session.clear()
