"""The Mastodon client API (/api/v1, /api/v2): blueprints, and the token check with the
scopes each route declares (fedi.web.api.scoped)."""

from __future__ import annotations

from quart import Blueprint

from fedi.web.api import (
    accounts,
    accounts_read,
    accounts_write,
    apps,
    follow_requests,
    instance,
    notifications,
    placeholders,
    statuses_post,
    statuses_read,
    statuses_write,
    timelines,
)


def blueprints() -> list[Blueprint]:
    """The API's blueprints, to register on the app."""
    reads = [accounts_read.bp, statuses_read.bp, timelines.bp, notifications.bp]
    writes = [statuses_post.bp, statuses_write.bp, accounts_write.bp, follow_requests.bp]
    return [apps.bp, accounts.bp, instance.bp, placeholders.bp, *reads, *writes]
