"""The one way an API route learns who calls it: `@scoped(...)` checks the bearer token and
the scopes the route declares; `grant()` and `acting_account()` then tell who it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from quart import Response, g, request

from fedi.domain import oauth
from fedi.domain import scopes as scope_rules
from fedi.web.helpers import json_response, services
from storage.models import Account

P = ParamSpec("P")
R = TypeVar("R")

OUTSIDE_SCOPES = "This action is outside the authorized scopes"
NEEDS_USER = "This method requires an authenticated user"


def _refusal(status: int, message: str) -> Response:
    response = json_response({"error": message}, status=status)
    if status == 401:  # RFC 6750 §3
        response.headers["WWW-Authenticate"] = 'Bearer realm="Impasto", error="invalid_token"'
    return response


def bearer() -> str:
    """The bearer token of the request ('' when there is none)."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" else ""


def scoped(
    *any_of: str, user: bool = True, one_read: bool = False
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R | Response]]]:
    """A route needing a valid token (401 otherwise) with one of `any_of` scopes (403
    otherwise; none named: any token) and, with `user`, a token that acts for a user (422
    otherwise, as Mastodon answers an app-only token). With `one_read`, the token check and
    every read of the route share one read session (`Services.reads.one`): only for a route
    that writes nothing and reads one thing after another."""

    def decorate(route: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | Response]]:
        @wraps(route)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if one_read:
                async with services().reads.one():
                    return await check(*args, **kwargs)
            return await check(*args, **kwargs)

        async def check(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            try:
                granted = await oauth.authenticate(services(), bearer())
            except oauth.TokenError as exc:
                return _refusal(401, str(exc))
            if any_of and not scope_rules.allows(granted.scopes, any_of):
                return _refusal(403, OUTSIDE_SCOPES)
            if user and granted.account is None:
                return _refusal(422, NEEDS_USER)
            g.impasto_grant = granted
            return await route(*args, **kwargs)

        return checked

    return decorate


def grant() -> oauth.Grant:
    """What the request's token grants (inside a `@scoped` route)."""
    granted: oauth.Grant = g.impasto_grant
    return granted


def acting_account() -> Account:
    """The user the request acts for (inside a `@scoped(..., user=True)` route)."""
    account = grant().account
    if account is None:
        raise RuntimeError("acting_account() in a route that allows app-only tokens")
    return account
