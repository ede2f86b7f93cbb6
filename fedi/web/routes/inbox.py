"""The inboxes as Quart routes. Under `impasto serve` the ASGI front (`fedi.web.inbox_asgi`)
answers these POSTs before Quart sees them; the routes serve the test client and any other
ASGI server the app is mounted in. Both call `fedi.federation.receive`."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.federation.receive import is_user_inbox, receive, too_large
from fedi.web.helpers import error, services

bp = Blueprint("inbox", __name__)


def _target() -> str:
    """The raw request target: path plus query, as the signer saw it."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


async def _receive() -> Response:
    svc = services()
    refused = too_large(svc, request.content_length)
    if refused is None:
        body = await request.get_data(cache=False, as_text=False, parse_form_data=False)
        assert isinstance(body, bytes)
        refused = too_large(svc, len(body))
    if refused is None:
        headers = dict(request.headers)
        answer = await receive(
            svc, method=request.method, target=_target(), headers=headers, body=body
        )
    else:
        answer = refused
    response = Response("", status=answer.status)
    if answer.reason is not None:
        response = error(answer.status, answer.reason)
    if answer.retry_after is not None:
        response.headers["Retry-After"] = str(answer.retry_after)
    return response


@bp.post("/inbox")
async def shared_inbox() -> Response:
    """The shared inbox."""
    return await _receive()


@bp.post("/users/<username>/inbox")
async def personal_inbox(username: str) -> Response:
    """A local account's inbox."""
    if not await is_user_inbox(services(), username):
        return error(404, "no such account")
    return await _receive()


@bp.post("/actor/inbox")
async def instance_inbox() -> Response:
    """The instance actor's inbox."""
    return await _receive()
