"""Client API endpoints for things Impasto does not have (yet), answering as Mastodon does when
there are none, so that apps which ask for them on start never see an error.

Those Mastodon serves only to a signed-in user check the token and the scope Mastodon asks for
(docs.joinmastodon.org/methods/): 401 without one, as Mastodon answers. Markers and
preferences are real (fedi.web.api.user_settings)."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.web.api.scoped import scoped
from fedi.web.helpers import json_response

bp = Blueprint("api_placeholders", __name__)


def _none() -> Response:
    return json_response([])


@bp.get("/api/v1/custom_emojis")
async def custom_emojis() -> Response:
    """No custom emoji."""
    return _none()


@bp.get("/api/v1/trends")  # the old name of /api/v1/trends/tags
@bp.get("/api/v1/trends/tags")
async def trending_tags() -> Response:
    """No trends are computed."""
    return _none()


@bp.get("/api/v1/trends/statuses")
async def trending_statuses() -> Response:
    """No trends are computed."""
    return _none()


@bp.get("/api/v1/trends/links")
async def trending_links() -> Response:
    """No link previews, so no trending links."""
    return _none()


@bp.get("/api/v1/lists")
@scoped("read:lists")
async def lists() -> Response:
    """No lists."""
    return _none()


@bp.get("/api/v1/filters")
@bp.get("/api/v2/filters")
@scoped("read:filters")
async def filters() -> Response:
    """No filters (v1 and v2 both answer an empty array)."""
    return _none()


@bp.get("/api/v1/announcements")
@scoped("read")
async def announcements() -> Response:
    """No announcements."""
    return _none()


@bp.get("/api/v1/followed_tags")
@scoped("read:follows")
async def followed_tags() -> Response:
    """No followed hashtags."""
    return _none()


@bp.get("/api/v1/suggestions")
@bp.get("/api/v2/suggestions")
@scoped("read")
async def suggestions() -> Response:
    """No follow suggestions."""
    return _none()
