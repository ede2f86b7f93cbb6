"""The reading pages' blueprints (registered in fedi.web.app): the timelines, notifications,
search, remote profiles, and following from another server."""

from __future__ import annotations

from quart import Blueprint

from fedi.web.pages import (
    notifications,
    remote_interaction,
    remote_profiles,
    search,
    timelines,
)


def blueprints() -> list[Blueprint]:
    """Every blueprint of the reading pages."""
    return [
        timelines.bp,
        notifications.bp,
        search.bp,
        remote_profiles.bp,
        remote_interaction.bp,
    ]
