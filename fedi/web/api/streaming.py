"""The streaming API, as Mastodon's: server-sent events at /api/v1/streaming/<stream> and a
WebSocket at /api/v1/streaming (subscribe and unsubscribe messages), fed by the process's
hub (fedi.workers.stream_hub) under the rules of fedi.domain.streaming. The token comes from
`Authorization: Bearer`, the `access_token` query parameter or, on the WebSocket, the
`Sec-WebSocket-Protocol` header (echoed back, as browsers require)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from quart import Blueprint, Response, current_app, request, websocket

from fedi.domain import oauth, streaming
from fedi.domain.streaming import Listener, Message, StreamError
from fedi.web.helpers import json_response, services
from fedi.workers.stream_hub import Hub

bp = Blueprint("streaming", __name__)

# The SSE paths and the streams they name.
PATHS = {
    "user": streaming.USER,
    "user/notification": streaming.NOTIFICATIONS,
    "public": streaming.PUBLIC,
    "public/local": streaming.LOCAL,
    "public/remote": streaming.REMOTE,
    "hashtag": streaming.HASHTAG,
    "hashtag/local": streaming.HASHTAG_LOCAL,
}


def _hub() -> Hub:
    hub: Hub = current_app.config["IMPASTO_STREAM_HUB"]
    return hub


def _heartbeat() -> float:
    return services().settings.server.stream_heartbeat


def _token(authorization: str, args: Mapping[str, str]) -> str:
    kind, _, value = authorization.partition(" ")
    if kind.lower() == "bearer" and value.strip():
        return value.strip()
    return args.get("access_token", "").strip()


async def _listener(token: str) -> Listener:
    """A listener for the token's user (no streams yet); StreamError 401 without one."""
    if not token:
        raise StreamError(401, "Missing access token")
    try:
        granted = await oauth.authenticate(services(), token)
    except oauth.TokenError as exc:
        raise StreamError(401, "Invalid access token") from exc
    if granted.account is None:
        raise StreamError(401, "Invalid access token")  # an app-only token has no stream
    return Listener(granted.account, granted.scopes, token_id=granted.token_id)


def _refusal(exc: StreamError) -> Response:
    response = json_response({"error": str(exc)}, status=exc.status)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="Impasto", error="invalid_token"'
    return response


@bp.get("/api/v1/streaming/health")
async def health() -> Response:
    """Answers OK while the server runs (no token needed), as Mastodon's."""
    return Response("OK", content_type="text/plain")


@bp.get("/api/v1/streaming/<path:which>")
async def events(which: str) -> Response:
    """Server-sent events of one stream."""
    if which not in PATHS:
        return json_response({"error": "Unknown stream type"}, status=404)
    try:
        listener = await _listener(_token(request.headers.get("Authorization", ""), request.args))
        wanted = streaming.stream(PATHS[which], request.args.get("tag"), listener.scopes)
    except StreamError as exc:
        return _refusal(exc)
    listener.streams.add(wanted)
    body = _sent_events(_hub(), listener, _heartbeat())  # (it runs outside the app context)
    response = Response(body, content_type="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    response.timeout = None  # open until the client goes
    return response


async def _sent_events(hub: Hub, listener: Listener, heartbeat: float) -> AsyncIterator[bytes]:
    hub.add(listener)
    try:
        yield b":)\n\n"  # as Mastodon: the headers and a first line go out at once
        while not listener.closed.is_set():
            try:
                async with asyncio.timeout(heartbeat):  # (no task per wait, as wait_for makes)
                    message = await listener.queue.get()
            except TimeoutError:
                yield b":thump\n\n"
                continue
            yield f"event: {message.event}\ndata: {message.payload}\n\n".encode()
    finally:
        hub.remove(listener)


@bp.websocket("/api/v1/streaming")
async def socket() -> Response | None:
    """The WebSocket: streams subscribed by `stream` (and `tag`) in the query and by
    messages; events sent as {"stream": [...], "event": ..., "payload": "..."}."""
    protocol = websocket.headers.get("Sec-WebSocket-Protocol", "").strip()
    token = _token(websocket.headers.get("Authorization", ""), websocket.args) or protocol
    try:
        listener = await _listener(token)
        if name := websocket.args.get("stream"):
            tag = websocket.args.get("tag")
            listener.streams.add(streaming.stream(name, tag, listener.scopes))
    except StreamError as exc:
        return _refusal(exc)  # before accepting: an HTTP answer, not a socket
    await websocket.accept(subprotocol=protocol if token == protocol and protocol else None)
    hub = _hub()
    hub.add(listener)
    sender = asyncio.create_task(_send(listener, _heartbeat()))
    try:
        while True:
            await _command(listener, await websocket.receive())
    finally:
        sender.cancel()
        hub.remove(listener)
        with contextlib.suppress(asyncio.CancelledError):
            await sender


async def _send(listener: Listener, heartbeat: float) -> None:
    while not listener.closed.is_set():
        try:
            async with asyncio.timeout(heartbeat):  # (Hypercorn sends the pings)
                message: Message = await listener.queue.get()
        except TimeoutError:
            continue
        doc = {"stream": message.stream.label, "event": message.event, "payload": message.payload}
        await websocket.send(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
    await websocket.close(1008, "closed by the server")


async def _command(listener: Listener, data: str | bytes) -> None:
    """A subscribe or unsubscribe message; anything else is answered with an error."""
    try:
        doc: Any = json.loads(data)
    except ValueError:
        doc = None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind not in ("subscribe", "unsubscribe") or not isinstance(doc.get("stream"), str):
        await _error(400, "Unknown message")
        return
    tag = doc.get("tag") if isinstance(doc.get("tag"), str) else None
    try:
        wanted = streaming.stream(doc["stream"], tag, listener.scopes)
    except StreamError as exc:
        await _error(exc.status, str(exc))
        return
    if kind == "subscribe":
        listener.streams.add(wanted)
    else:
        listener.streams.discard(wanted)


async def _error(status: int, message: str) -> None:
    await websocket.send(json.dumps({"error": message, "status": status}))
