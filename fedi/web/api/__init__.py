"""The Mastodon client API (/api/v1, /api/v2): blueprints, and the token check with the
scopes each route declares (fedi.web.api.scoped)."""

from __future__ import annotations

from quart import Blueprint

from fedi.web.api import accounts, apps, instance, placeholders


def blueprints() -> list[Blueprint]:
    """The API's blueprints, to register on the app."""
    return [apps.bp, accounts.bp, instance.bp, placeholders.bp]
