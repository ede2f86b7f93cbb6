"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import apps, entities, oauth
from fedi.web.api.scoped import grant, scoped
from fedi.web.helpers import json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_apps", __name__)


@bp.post("/api/v1/apps")
async def create() -> Response:
    """Register a client; the answer carries its credentials (CredentialApplication)."""
    values = await params()
    uris = values.get("redirect_uris")
    try:
        registered = await apps.register(
            services(),
            text(values, "client_name") or "",
            uris if isinstance(uris, list) else text(values, "redirect_uris"),
            text(values, "scopes"),
            text(values, "website"),
        )
    except apps.AppError as exc:
        return json_response({"error": str(exc)}, status=422)
    return json_response(entities.credential_application(registered.app, registered.client_secret))


@bp.get("/api/v1/apps/verify_credentials")
@scoped(user=False)
async def verify_credentials() -> Response:
    """The app the token belongs to (Application)."""
    app = await oauth.application(services(), grant().application_id)
    if app is None:
        return json_response({"error": "The access token is invalid"}, status=401)
    return json_response(entities.application(app))
