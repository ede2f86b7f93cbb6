"""POST /api/v1/statuses/:id/favourite, /unfavourite, /reblog, /unreblog, /pin, /unpin and
DELETE /api/v1/statuses/:id: the domain actions the CLI calls (`impasto like`, `boost`, `pin`,
`delete`, ...), each answered with the Status as Mastodon does (a reblog with the boost
wrapping the original)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from quart import Blueprint, Response

from fedi.core.services import Services
from fedi.domain import deletes, pins, reactions, status_reads
from fedi.domain.entities import statuses
from fedi.domain.paint_command import source_text
from fedi.web.api.records import install, record_id, refuse_user_errors, undo_quietly
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services

bp = Blueprint("api_statuses_write", __name__)
install(bp)
refuse_user_errors(bp)

Action = Callable[[Services, str, str], Awaitable[Any]]


async def _acted(status_id: str, action: Action) -> Response:
    """Run `action` on a post the acting user may see (404 otherwise); its Status after."""
    svc, me = services(), acting_account()
    entry = await status_reads.post(svc, me, record_id(status_id))
    await undo_quietly(action(svc, me.username, str(entry.post.id)))
    fresh = await status_reads.post(svc, me, entry.post.id)
    return json_response(await statuses.one_status(svc, me, fresh))


@bp.post("/api/v1/statuses/<status_id>/favourite")
@scoped("write:favourites")
async def favourite(status_id: str) -> Response:
    """Like the post; its Status, now `favourited`."""
    return await _acted(status_id, reactions.like)


@bp.post("/api/v1/statuses/<status_id>/unfavourite")
@scoped("write:favourites")
async def unfavourite(status_id: str) -> Response:
    """Take back a like; its Status."""
    return await _acted(status_id, reactions.unlike)


@bp.post("/api/v1/statuses/<status_id>/reblog")
@scoped("write:statuses")
async def reblog(status_id: str) -> Response:
    """Boost the post; the new boost's Status, wrapping the original in `reblog`."""
    svc, me = services(), acting_account()
    entry = await status_reads.post(svc, me, record_id(status_id))
    done = await reactions.boost(svc, me.username, str(entry.post.id))
    boost = await status_reads.boost_by_uri(svc, me, done.activity_id)
    return json_response(await statuses.one_status(svc, me, boost))


@bp.post("/api/v1/statuses/<status_id>/unreblog")
@scoped("write:statuses")
async def unreblog(status_id: str) -> Response:
    """Take back a boost; the original's Status."""
    return await _acted(status_id, reactions.unboost)


@bp.post("/api/v1/statuses/<status_id>/pin")
@scoped("write:accounts")
async def pin(status_id: str) -> Response:
    """Feature the user's own post on their profile; its Status, now `pinned`."""
    return await _acted(status_id, pins.pin)


@bp.post("/api/v1/statuses/<status_id>/unpin")
@scoped("write:accounts")
async def unpin(status_id: str) -> Response:
    """Stop featuring the post; its Status."""
    return await _acted(status_id, pins.unpin)


@bp.delete("/api/v1/statuses/<status_id>")
@scoped("write:statuses")
async def delete(status_id: str) -> Response:
    """Delete an own post; the Status as it was, with its source `text` (`/paint PROMPT` and
    the caption: Mastodon returns it so an app can offer "delete and redraft")."""
    svc, me = services(), acting_account()
    entry = await status_reads.post(svc, me, record_id(status_id))
    shown = await statuses.one_status(svc, me, entry)
    await deletes.delete_post(svc, me.username, str(entry.post.id))
    return json_response({**shown, "text": source_text(entry.post)})
