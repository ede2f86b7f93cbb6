"""POST /api/v1/statuses: a status written as `/paint PROMPT` (fedi.domain.paint_command)
becomes a picture post, made by the same function as `impasto post` within the request (the
built-in painter takes a tenth of a second; a hosted backend is bounded by its own timeout).
Form or JSON parameters: status, in_reply_to_id, sensitive, spoiler_text, visibility; an
`Idempotency-Key` header makes a retry give the first status (fedi.web.api.idempotency)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.domain import status_reads
from fedi.domain.entities import statuses
from fedi.domain.paint_command import HOW, paint_draft
from fedi.domain.posting import make_post
from fedi.web.api.idempotency import once
from fedi.web.api.records import boolean, install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import error, json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_statuses_post", __name__)
install(bp)
refuse_user_errors(bp)


@bp.post("/api/v1/statuses")
@scoped("write:statuses")
async def create() -> Response:
    """Paint and publish the status's prompt; the new Status."""
    svc, me, values = services(), acting_account(), await params()
    if values.get("media_ids") or values.get("poll"):
        return error(422, HOW)
    reply_to = text(values, "in_reply_to_id")
    if reply_to:  # only a post the user may see (404 otherwise, as Mastodon)
        reply_to = str((await status_reads.post(svc, me, record_id(reply_to))).post.id)
    draft = paint_draft(
        me.username,
        text(values, "status") or "",
        in_reply_to=reply_to or None,
        sensitive=boolean(values.get("sensitive")),
        spoiler_text=text(values, "spoiler_text") or "",
        visibility=text(values, "visibility") or "",
    )
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        entry = await status_reads.post(svc, me, (await make_post(svc, draft)).id)
        return json_response(await statuses.one_status(svc, me, entry))
    async with once(me.id, key) as seen:
        if seen.post_id is None:
            seen.post_id = (await make_post(svc, draft)).id
        post_id = seen.post_id
    entry = await status_reads.post(svc, me, post_id)
    return json_response(await statuses.one_status(svc, me, entry))
