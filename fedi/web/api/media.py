"""POST /api/v2/media and /api/v1/media (a picture uploaded from an app, as a multipart `file`
with an optional `description` and `focus`), GET and PUT /api/v1/media/:id (the uploader's own
picture while no status carries it; 404 for anyone else's, as Mastodon).

An upload is bounded before it is read: fedi.web.bodies gives the upload paths a body limit
of `[media] upload_bytes` (and a little for the form around the file), every other path the
app's; a larger body is refused with 413 as soon as its Content-Length, or the bytes sent past
the limit, show it. Pictures are processed within the request (a tenth of a second for most),
so v2 answers 200 with the URL, as Mastodon does for a picture processed at once."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.domain import uploads
from fedi.domain.entities.statuses import media_attachment
from fedi.web.api.records import install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import error, json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_media", __name__)
install(bp)
refuse_user_errors(bp)

SCOPES = ("write:media",)


@bp.post("/api/v1/media")
@bp.post("/api/v2/media")
@scoped(*SCOPES)
async def create() -> Response:
    """Check, re-encode and keep the picture; its MediaAttachment."""
    svc, me = services(), acting_account()
    values = await params()
    files = await request.files
    upload = files.get("file")
    if upload is None:
        return error(422, "Validation failed: File can't be blank")
    limit = svc.settings.media.upload_bytes
    data = upload.read(limit + 1)
    if len(data) > limit:
        return error(413, f"the picture is larger than {limit} bytes ([media] upload_bytes)")
    row = await uploads.upload(
        svc, me, data, description=text(values, "description"), focus=text(values, "focus")
    )
    return json_response(media_attachment(svc, row))


@bp.get("/api/v1/media/<media_id>")
@scoped(*SCOPES)  # as Mastodon: write:media to read one's upload back
async def show(media_id: str) -> Response:
    """The uploader's own picture not yet in a status."""
    row = await uploads.own_unattached(services(), acting_account(), record_id(media_id))
    return json_response(media_attachment(services(), row))


@bp.put("/api/v1/media/<media_id>")
@scoped(*SCOPES)
async def change(media_id: str) -> Response:
    """Change the alt text (`description`) or the focal point (`focus`)."""
    values = await params()
    row = await uploads.update(
        services(),
        acting_account(),
        record_id(media_id),
        description=text(values, "description"),
        focus=text(values, "focus"),
    )
    return json_response(media_attachment(services(), row))
