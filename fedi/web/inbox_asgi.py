"""An ASGI front that answers inbox POSTs before Quart sees them.

Inboxes take most of a federated server's requests, and Quart's per-request machinery costs
more than verifying and storing an activity (bench/README.md). Everything else, lifespan
included, goes on to the Quart app untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hypercorn.typing import (
    ASGIFramework,
    ASGIReceiveCallable,
    ASGISendCallable,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    HTTPScope,
    Scope,
)
from sqlalchemy.exc import DBAPIError

from fedi.core.services import Services
from fedi.federation.receive import Answer, is_user_inbox, receive, too_large, unavailable
from fedi.web.app import CSP

_PERSONAL = re.compile(r"/users/([^/]+)/inbox")
_SHARED = ("/inbox", "/actor/inbox")


class InboxFront:
    """Wraps the app: POSTs to an inbox are verified and stored here."""

    def __init__(self, app: ASGIFramework, services: Callable[[], Services]) -> None:
        self.app = app
        self.services = services

    async def __call__(
        self, scope: Scope, receive_: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        """The ASGI entry point."""
        if scope["type"] == "http" and scope["method"] == "POST":
            path = scope["path"]
            personal = _PERSONAL.fullmatch(path)
            if personal is not None or path in _SHARED:
                username = personal.group(1) if personal else None
                try:
                    answer = await self._inbox(scope, receive_, username)
                except DBAPIError as exc:
                    trouble = unavailable(self.services(), exc)
                    if trouble is None:
                        raise  # a bug: Hypercorn logs it and answers 500
                    answer = trouble
                await _respond(send, answer)
                return
        await self.app(scope, receive_, send)

    async def _inbox(
        self, scope: HTTPScope, receive_: ASGIReceiveCallable, username: str | None
    ) -> Answer:
        svc = self.services()
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        declared = headers.get("content-length")
        refused = too_large(svc, int(declared) if declared and declared.isdigit() else None)
        if refused is not None:
            return refused
        limit = svc.settings.federation.max_inbox_bytes
        body = await _read_body(receive_, limit)
        if body is None:
            return Answer(413, f"body larger than {limit} bytes")
        if username is not None and not await is_user_inbox(svc, username):
            return Answer(404, "no such account")
        query = scope.get("query_string", b"").decode("latin-1")
        raw_path = scope.get("raw_path") or scope["path"].encode()
        target = raw_path.decode("latin-1") + (f"?{query}" if query else "")
        return await receive(svc, method="POST", target=target, headers=headers, body=body)


async def _read_body(receive_: ASGIReceiveCallable, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows past `limit`."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive_()
        if message["type"] != "http.request":
            return b""  # the client went away
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = bool(message.get("more_body", False))
    return b"".join(chunks)


async def _respond(send: ASGISendCallable, answer: Answer) -> None:
    body = b"" if answer.reason is None else json.dumps({"error": answer.reason}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", CSP.encode()),
    ]
    if answer.retry_after is not None:
        headers.append((b"retry-after", str(answer.retry_after).encode()))
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": answer.status,
        "headers": headers,
        "trailers": False,
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)
