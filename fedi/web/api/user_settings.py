"""GET and POST /api/v1/markers (where the user stopped reading home and notifications) and
GET /api/v1/preferences (the defaults an app starts a post with)."""

from __future__ import annotations

import re
from typing import Any

from quart import Blueprint, Response, request

from fedi.domain import user_settings
from fedi.domain.entities.user_settings import markers, preferences
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services
from fedi.web.params import params

bp = Blueprint("api_user_settings", __name__)

MARKER_KEY = re.compile(r"^(\w+)\[last_read_id\]$")


@bp.get("/api/v1/markers")
@scoped("read:statuses")
async def read_markers() -> Response:
    """The saved markers of the timelines asked for (`timeline[]`): a hash, empty for none."""
    names = request.args.getlist("timeline[]") + request.args.getlist("timeline")
    found = await user_settings.markers_of(services(), acting_account(), names)
    return json_response(markers(found))


def _positions(values: dict[str, Any]) -> dict[str, str]:
    """timeline → last_read_id, from `home[last_read_id]` form fields or JSON objects."""
    read: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict) and value.get("last_read_id") is not None:
            read[key] = str(value["last_read_id"])
        match = MARKER_KEY.match(key)
        if match and isinstance(value, str | int):
            read[match[1]] = str(value)
    return read


@bp.post("/api/v1/markers")
@scoped("write:statuses")
async def save_markers() -> Response:
    """Save positions; the markers saved, as a hash."""
    saved = await user_settings.save_markers(
        services(), acting_account(), _positions(await params())
    )
    return json_response(markers(saved))


@bp.get("/api/v1/preferences")
@scoped("read:accounts")
async def read_preferences() -> Response:
    """The user's posting defaults (set with update_credentials' `source[...]`)."""
    return json_response(preferences(acting_account()))
