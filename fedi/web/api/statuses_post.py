"""POST /api/v1/statuses: a status written as `/paint PROMPT` (fedi.domain.paint_command)
becomes a picture post, made by the same function as `impasto post` within the request (the
built-in painter takes a tenth of a second; a hosted backend is bounded by its own timeout);
a status with `media_ids[]` (uploaded, or painted through /api/v1/impasto/generations) carries
those pictures, and a reply may be text alone, as the web app's (fedi.domain.media_posts); a
new post of text alone is refused saying how to paint one. Form or JSON parameters: status,
media_ids, in_reply_to_id, sensitive, spoiler_text, visibility, language; an `Idempotency-Key`
header makes a retry give the first status (fedi.web.api.idempotency)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from quart import Blueprint, Response, request

from fedi.domain import status_reads
from fedi.domain.entities import statuses
from fedi.domain.media_posts import MediaDraft, not_found, post_with_media
from fedi.domain.paint_command import HOW, asks_to_paint, paint_draft
from fedi.domain.posting import PostError, make_post
from fedi.web.api.idempotency import once
from fedi.web.api.records import boolean, install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import error, json_response, services
from fedi.web.params import params, text
from storage.ids import parse_id
from storage.models import Post

bp = Blueprint("api_statuses_post", __name__)
install(bp)
refuse_user_errors(bp)


@bp.post("/api/v1/statuses")
@scoped("write:statuses")
async def create() -> Response:
    """Paint and publish the status's prompt; the new Status."""
    svc, me, values = services(), acting_account(), await params()
    if values.get("poll"):
        return error(422, HOW)
    reply_to = text(values, "in_reply_to_id")
    if reply_to:  # only a post the user may see (404 otherwise, as Mastodon)
        reply_to = str((await status_reads.post(svc, me, record_id(reply_to))).post.id)
    make = _maker(me.username, values, reply_to or None)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        entry = await status_reads.post(svc, me, (await make()).id)
        return json_response(await statuses.one_status(svc, me, entry))
    async with once(me.id, key) as seen:
        if seen.post_id is None:
            seen.post_id = (await make()).id
        post_id = seen.post_id
    entry = await status_reads.post(svc, me, post_id)
    return json_response(await statuses.one_status(svc, me, entry))


def _media_ids(values: dict[str, Any]) -> list[int]:
    """`media_ids[]` (a form list or a JSON list; one id alone also counts); PostError naming
    any that cannot be an id, as Mastodon names those it cannot find."""
    raw = values.get("media_ids") or []
    listed = [raw] if isinstance(raw, str | int) else raw if isinstance(raw, list) else []
    numbers = [parse_id(str(item)) for item in listed]
    bad = [item for item, number in zip(listed, numbers, strict=True) if number is None]
    if bad:
        raise PostError(not_found(bad))
    return [number for number in numbers if number is not None]


def _maker(
    username: str, values: dict[str, Any], reply_to: str | None
) -> Callable[[], Awaitable[Post]]:
    """What makes the status asked for: its pictures, the `/paint` prompt's picture, or a
    reply's text (the web app's text reply; PostError saying how for a new post of text)."""
    svc, status = services(), text(values, "status") or ""
    media_ids = _media_ids(values)
    sensitive = boolean(values.get("sensitive"))
    spoiler_text = text(values, "spoiler_text") or ""
    visibility = text(values, "visibility") or ""
    language = text(values, "language") or ""
    if media_ids or not status.strip() or (reply_to and not asks_to_paint(status)):
        draft = MediaDraft(
            username,
            status,
            media_ids,
            sensitive=sensitive,
            in_reply_to=reply_to,
            content_warning=spoiler_text,
            visibility=visibility,
            language=language or None,
        )
        return partial(post_with_media, svc, draft)
    painted = paint_draft(
        username,
        status,
        in_reply_to=reply_to,
        sensitive=sensitive,
        spoiler_text=spoiler_text,
        visibility=visibility,
        language=language,
    )
    return partial(make_post, svc, painted)
