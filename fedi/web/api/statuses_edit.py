"""PUT /api/v1/statuses/:id (edit), GET /api/v1/statuses/:id/source and /:id/history.

An edit changes the caption (the status text after its `/paint PROMPT` line), the content
warning, `sensitive`, the picture's description (`media_attributes[]`) and the language, by
`fedi.domain.edits.edit` (the same as `impasto edit`: an Update goes to all who got the post).
The picture itself is not changed by an edit. Edits keep no earlier versions, so the history
is the status as it is now (Mastodon apps show a one-entry history as "not edited")."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from fedi.domain import edits, status_reads
from fedi.domain.entities import statuses
from fedi.domain.paint_command import edited_caption, source_text
from fedi.domain.records import RecordNotFound
from fedi.web.api.records import boolean, install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.api.viewer import scoped_if_token, viewer
from fedi.web.helpers import error, json_response, services
from fedi.web.params import params, text
from storage.models import Account
from storage.timelines import Entry

bp = Blueprint("api_statuses_edit", __name__)
install(bp)
refuse_user_errors(bp)


async def _own(status_id: str) -> tuple[Account, Entry]:
    """The acting user and their own post; RecordNotFound for anyone else's (Mastodon finds
    the status among the user's own only)."""
    me = acting_account()
    entry = await status_reads.post(services(), me, record_id(status_id))
    if entry.post.account_id != me.id:
        raise RecordNotFound(f"no status {status_id} of {me.username}")
    return me, entry


def _descriptions(values: dict[str, Any]) -> dict[str, str]:
    """`media_attributes[]` as {media id: description}: a JSON list of objects, or form fields
    `media_attributes[][id]` and `media_attributes[][description]` (Rails' nested params)."""
    given = values.get("media_attributes")
    if isinstance(given, list):
        return {
            str(item.get("id")): str(item["description"])
            for item in given
            if isinstance(item, dict) and item.get("description") is not None
        }
    ids = values.get("media_attributes[][id]")
    described = values.get("media_attributes[][description]")
    ids = ids if isinstance(ids, list) else [ids]
    described = described if isinstance(described, list) else [described]
    return {str(i): str(d) for i, d in zip(ids, described, strict=False) if d is not None}


@bp.put("/api/v1/statuses/<status_id>")
@scoped("write:statuses")
async def update(status_id: str) -> Response:
    """Edit an own status; the Status as it is now, with `edited_at`."""
    svc, (me, entry) = services(), await _own(status_id)
    values = await params()
    status = text(values, "status")
    sensitive = values.get("sensitive")
    descriptions = _descriptions(values)
    media = await statuses.one_status(svc, me, entry)
    own_media = {item["id"] for item in media["media_attachments"]}
    kept = values.get("media_ids") or []
    kept = {str(item) for item in (kept if isinstance(kept, list) else [kept])}
    if not set(descriptions) <= own_media or not kept <= own_media:
        # The picture stays as painted: media can be described, not swapped.
        return error(422, "the media of a status cannot be changed by an edit, only described")
    change = edits.Edit(
        caption=edited_caption(entry.post, status) if status is not None else None,
        alt=next(iter(descriptions.values()), None),  # a picture post has one picture
        sensitive=boolean(sensitive) if sensitive is not None else None,
        content_warning=text(values, "spoiler_text"),
        language=text(values, "language"),
    )
    if change != edits.Edit():
        await edits.edit(svc, me.username, str(entry.post.id), change)
    fresh = await status_reads.post(svc, me, entry.post.id)
    return json_response(await statuses.one_status(svc, me, fresh))


@bp.get("/api/v1/statuses/<status_id>/source")
@scoped("read:statuses")
async def source(status_id: str) -> Response:
    """The StatusSource: the text that makes the status (`/paint PROMPT` and the caption, the
    form an edit or a delete-and-redraft sends back) and its content warning."""
    _, entry = await _own(status_id)
    post = entry.post
    return json_response(
        {"id": str(post.id), "text": source_text(post), "spoiler_text": post.spoiler_text}
    )


@bp.get("/api/v1/statuses/<status_id>/history")
@scoped_if_token("read:statuses")
async def history(status_id: str) -> Response:
    """The StatusEdit list, oldest first: the current version only (earlier ones are not kept).
    Public for a status anyone may see, as in Mastodon."""
    svc = services()
    entry = await status_reads.post(svc, viewer(), record_id(status_id))
    shown = await statuses.one_status(svc, viewer(), entry)
    version = {
        "content": shown["content"],
        "spoiler_text": shown["spoiler_text"],
        "sensitive": shown["sensitive"],
        "created_at": shown["edited_at"] or shown["created_at"],
        "account": shown["account"],
        "poll": None,
        "media_attachments": shown["media_attachments"],
        "emojis": shown["emojis"],
    }
    return json_response([version])
