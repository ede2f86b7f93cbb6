"""GET /api/v1/accounts/verify_credentials: the signed-in user."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import entities
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services

bp = Blueprint("api_accounts", __name__)


@bp.get("/api/v1/accounts/verify_credentials")
@scoped("read:accounts", "profile")
async def verify_credentials() -> Response:
    """The acting user's Account, with `source` (Mastodon.py's log-in check calls this)."""
    return json_response(await entities.credential_account(services(), acting_account()))
