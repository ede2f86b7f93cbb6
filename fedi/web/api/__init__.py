"""The Mastodon client API (/api/v1, /api/v2): blueprints, and the token check with the
scopes each route declares (fedi.web.api.scoped)."""

from __future__ import annotations

from quart import Blueprint

from fedi.web.api import (
    accounts,
    accounts_read,
    accounts_write,
    apps,
    bookmarks,
    follow_requests,
    generations,
    instance,
    media,
    notifications,
    openapi,
    own_domain_blocks,
    placeholders,
    profile,
    search,
    statuses_edit,
    statuses_post,
    statuses_read,
    statuses_write,
    streaming,
    throttle,
    timelines,
    user_settings,
)


def blueprints() -> list[Blueprint]:
    """The API's blueprints, to register on the app."""
    reads = [accounts_read.bp, statuses_read.bp, timelines.bp, notifications.bp]
    writes = [statuses_post.bp, statuses_write.bp, accounts_write.bp, follow_requests.bp]
    writes += [statuses_edit.bp, bookmarks.bp, profile.bp]
    mine = [user_settings.bp, own_domain_blocks.bp]
    uploads = [media.bp, generations.bp, openapi.bp]
    # throttle first: its hooks count every /api/ request before any route runs.
    first = [throttle.bp, apps.bp, accounts.bp, instance.bp, placeholders.bp, search.bp]
    return [*first, *reads, *writes, *mine, *uploads, streaming.bp]
