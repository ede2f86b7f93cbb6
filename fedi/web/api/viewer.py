"""Routes Mastodon serves to anyone but checks a token on when one is sent (its
`authorize_if_got_token!`): `@scoped_if_token(...)` lets a request without an Authorization
header through for nobody, and holds one with a header to `@scoped`'s rules (401 for a bad
token, 403 without the scope). `viewer()` tells who is looking, if anyone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from quart import Response, g, request

from fedi.web.api.scoped import scoped
from storage.models import Account

P = ParamSpec("P")
R = TypeVar("R")


def scoped_if_token(
    *any_of: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R | Response]]]:
    """A public route that a token, when sent, must be good for (one of `any_of` scopes);
    an app-only token reads as nobody signed in."""

    def decorate(route: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | Response]]:
        checked = scoped(*any_of, user=False)(route)

        @wraps(route)
        async def maybe(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if not request.headers.get("Authorization"):
                g.impasto_grant = None
                return await route(*args, **kwargs)
            return await checked(*args, **kwargs)

        return maybe

    return decorate


def viewer() -> Account | None:
    """The signed-in user the request reads for, or None (no token, or an app's own)."""
    granted = g.get("impasto_grant")
    return granted.account if granted is not None else None
