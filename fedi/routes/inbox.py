"""The inboxes: verify the signature, check the envelope, store once, answer 202."""

from __future__ import annotations

import logging
from datetime import timedelta

from quart import Blueprint, Response, request

from activitypub.activities import ActivityError, parse_activity
from activitypub.http import BadDocument, parse_json
from activitypub.signatures import SignatureError, verify_request
from activitypub.urls import ids_equal
from storage import accounts
from storage import inbox as inbox_rows

from ..services import INSTANCE_ACTOR
from ..web_helpers import error, services

bp = Blueprint("inbox", __name__)
log = logging.getLogger(__name__)


def _target() -> str:
    """The raw request target: path plus query, as the signer saw it."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


async def _receive() -> Response:
    svc = services()
    fed = svc.settings.federation
    declared = request.content_length
    if declared is not None and declared > fed.max_inbox_bytes:
        return error(413, f"body larger than {fed.max_inbox_bytes} bytes")
    body = await request.get_data(cache=False, as_text=False, parse_form_data=False)
    assert isinstance(body, bytes)
    if len(body) > fed.max_inbox_bytes:
        return error(413, f"body larger than {fed.max_inbox_bytes} bytes")
    try:
        verified = await verify_request(
            method=request.method,
            target=_target(),
            headers=dict(request.headers),
            body=body,
            expected_host=svc.settings.instance.host,
            lookup_key=svc.keys.lookup,
            max_skew=timedelta(seconds=fed.signature_max_skew),
        )
    except SignatureError as exc:
        return error(401, f"unauthorized: {exc.reason}")
    try:
        payload = parse_json(body)
        activity = parse_activity(payload)
    except BadDocument as exc:
        return error(400, f"malformed JSON: {exc.reason}")
    except ActivityError as exc:
        return error(400, exc.reason)
    if not ids_equal(verified.owner, activity.actor):
        return error(
            401, f"signed by {verified.owner}, but the activity's actor is {activity.actor}"
        )
    await svc.inbox_writer.store(
        inbox_rows.Received(activity.id, activity.type, activity.actor, payload)
    )
    svc.inbox_wakeup.set()
    return Response("", status=202)


@bp.post("/inbox")
async def shared_inbox() -> Response:
    """The shared inbox."""
    return await _receive()


@bp.post("/users/<username>/inbox")
async def personal_inbox(username: str) -> Response:
    """A local account's inbox."""
    async with services().sessions() as session:
        account = await accounts.local_account(session, username)
    if account is None or username == INSTANCE_ACTOR:
        return error(404, "no such account")
    return await _receive()


@bp.post("/actor/inbox")
async def instance_inbox() -> Response:
    """The instance actor's inbox."""
    return await _receive()
