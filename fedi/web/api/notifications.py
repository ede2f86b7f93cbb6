"""GET /api/v1/notifications (paged; `types[]`, `exclude_types[]`, `account_id`), GET
/api/v1/notifications/:id, POST /api/v1/notifications/:id/dismiss and /clear: the signed-in
user's, with the scopes Mastodon asks for."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.domain import notification_reads
from fedi.domain.entities import notifications
from fedi.web.api.paging import NOTIFICATIONS, paged, requested
from fedi.web.api.records import install, record_id
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import id_arg, json_response, services
from storage.notification_pages import Kinds

bp = Blueprint("api_notifications", __name__)
install(bp)


def _kinds() -> Kinds:
    types = request.args.getlist("types[]") + request.args.getlist("types")
    excluded = request.args.getlist("exclude_types[]") + request.args.getlist("exclude_types")
    return Kinds(
        only=notifications.kinds_of(types) if types else None,
        excluded=notifications.kinds_of(excluded),
        from_account_id=id_arg("account_id"),
    )


@bp.get("/api/v1/notifications")
@scoped("read:notifications")
async def index() -> Response:
    """The user's notifications, newest first."""
    svc, me = services(), acting_account()
    window = requested(NOTIFICATIONS)
    found = await notification_reads.page(svc, me, window, _kinds())
    entities = await notifications.notifications(svc, me, found)
    return paged(entities, [notice.notification.id for notice in found])


@bp.get("/api/v1/notifications/<notification_id>")
@scoped("read:notifications")
async def show(notification_id: str) -> Response:
    """One Notification."""
    svc, me = services(), acting_account()
    found = await notification_reads.one(svc, me, record_id(notification_id))
    return json_response((await notifications.notifications(svc, me, [found]))[0])


@bp.post("/api/v1/notifications/<notification_id>/dismiss")
@scoped("write:notifications")
async def dismiss(notification_id: str) -> Response:
    """Delete one notification; an empty object, as Mastodon answers."""
    await notification_reads.dismiss(services(), acting_account(), record_id(notification_id))
    return json_response({})


@bp.post("/api/v1/notifications/clear")
@scoped("write:notifications")
async def clear() -> Response:
    """Delete every notification of the user; an empty object."""
    await notification_reads.clear(services(), acting_account())
    return json_response({})
