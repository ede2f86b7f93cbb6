"""Client API endpoints for things Impasto does not have (yet), answering as Mastodon does when
there are none, so that apps which ask for them on start never see an error.

Those Mastodon serves only to a signed-in user carry a `# needs:` line naming the scope
Mastodon asks for (docs.joinmastodon.org/methods/); the token check goes there when the OAuth
scope decorator exists. GET /api/v1/preferences is left out until then: it describes the
signed-in user, so without one there is nothing true to answer."""

from __future__ import annotations

from quart import Blueprint, Response

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


# needs: read:lists
@bp.get("/api/v1/lists")
async def lists() -> Response:
    """No lists."""
    return _none()


# needs: read:filters
@bp.get("/api/v1/filters")
@bp.get("/api/v2/filters")
async def filters() -> Response:
    """No filters (v1 and v2 both answer an empty array)."""
    return _none()


# needs: a user token (Mastodon asks for no scope)
@bp.get("/api/v1/announcements")
async def announcements() -> Response:
    """No announcements."""
    return _none()


# needs: read:statuses
@bp.get("/api/v1/markers")
async def markers() -> Response:
    """No saved reading positions: an empty hash, as Mastodon answers for none."""
    return json_response({})


# needs: read:follows
@bp.get("/api/v1/followed_tags")
async def followed_tags() -> Response:
    """No followed hashtags."""
    return _none()


# needs: read
@bp.get("/api/v1/suggestions")
@bp.get("/api/v2/suggestions")
async def suggestions() -> Response:
    """No follow suggestions."""
    return _none()
