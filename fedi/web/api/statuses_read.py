"""GET /api/v1/statuses/:id, /:id/context, /api/v1/statuses?id[]=, /:id/favourited_by and
/:id/reblogged_by: public as in Mastodon, each status only for those who may see it."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import status_reads
from fedi.domain.entities import accounts, context, statuses
from fedi.web.api.paging import ACCOUNTS, paged, requested
from fedi.web.api.records import id_list, install, record_id
from fedi.web.api.viewer import scoped_if_token, viewer
from fedi.web.helpers import error, json_response, services
from storage.reactions import ANNOUNCE, LIKE

bp = Blueprint("api_statuses_read", __name__)
install(bp)

MAX_IDS = 20  # Mastodon's DEFAULT_STATUSES_LIMIT, checked by its check_statuses_limit


@bp.get("/api/v1/statuses/<status_id>")
@scoped_if_token("read:statuses")
async def show(status_id: str) -> Response:
    """A Status (a post, or a boost wrapping one)."""
    entry = await status_reads.status(services(), viewer(), record_id(status_id))
    return json_response(await statuses.one_status(services(), viewer(), entry))


@bp.get("/api/v1/statuses")
@scoped_if_token("read:statuses")
async def several() -> Response:
    """The Statuses of `id[]` the viewer may see, in that order; others are left out."""
    ids = list(dict.fromkeys(id_list()))
    if len(ids) > MAX_IDS:
        return error(422, f"at most {MAX_IDS} ids at a time")
    entries = await status_reads.statuses(services(), viewer(), ids)
    return json_response(await statuses.statuses(services(), viewer(), entries))


@bp.get("/api/v1/statuses/<status_id>/context")
@scoped_if_token("read:statuses")
async def thread(status_id: str) -> Response:
    """The Context: the posts it answers and the replies below it."""
    found = await status_reads.context(services(), viewer(), record_id(status_id))
    return json_response(await context.context(services(), viewer(), found))


async def _reactors(status_id: str, kind: str) -> Response:
    svc, window = services(), requested(ACCOUNTS)
    rows = await status_reads.reactors(svc, viewer(), record_id(status_id), window, kind=kind)
    found = await accounts.accounts(svc, [row for _, row in rows])
    return paged(found, [key for key, _ in rows])


@bp.get("/api/v1/statuses/<status_id>/favourited_by")
@scoped_if_token("read:accounts")
async def favourited_by(status_id: str) -> Response:
    """Accounts that liked the post, newest first."""
    return await _reactors(status_id, LIKE)


@bp.get("/api/v1/statuses/<status_id>/reblogged_by")
@scoped_if_token("read:accounts")
async def reblogged_by(status_id: str) -> Response:
    """Accounts that boosted the post, newest first."""
    return await _reactors(status_id, ANNOUNCE)
