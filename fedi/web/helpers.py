"""Request/response helpers shared by the blueprints."""

from __future__ import annotations

from typing import Any

import orjson
from quart import Response, current_app, request
from werkzeug.routing import IntegerConverter, ValidationError

from fedi.core.services import Services
from storage.ids import parse_id

AS2_CONTENT_TYPE = "application/activity+json; charset=utf-8"


def services() -> Services:
    """The Services of the running app."""
    svc: Services = current_app.config["IMPASTO_SERVICES"]
    return svc


def wants_activity_json() -> bool:
    """True when the client asks for AS2 (application/activity+json or AS2 ld+json)."""
    accept = request.headers.get("Accept", "").lower()
    if "application/activity+json" in accept:
        return True
    # application/ld+json counts only with the ActivityStreams profile (AS2 core §3.2),
    # but Mastodon and others send it with that profile, sometimes with loose quoting.
    return "application/ld+json" in accept and "activitystreams" in accept


def wants_json() -> bool:
    """True when the client asks for JSON of any kind (AS2, JRD, plain) rather than a page."""
    best = request.accept_mimetypes.best or ""
    return wants_activity_json() or best.endswith(("/json", "+json"))


def json_bytes(doc: Any) -> bytes:
    """`doc` as compact UTF-8 JSON (orjson; integer keys written as strings)."""
    return orjson.dumps(doc, option=orjson.OPT_NON_STR_KEYS)


def activity_json(doc: Any, status: int = 200) -> Response:
    """An AS2 JSON response."""
    response = Response(json_bytes(doc), status=status, content_type=AS2_CONTENT_TYPE)
    response.headers["Vary"] = "Accept"
    return response


def json_response(doc: Any, content_type: str = "application/json", status: int = 200) -> Response:
    """A JSON response with an explicit content type."""
    return Response(json_bytes(doc), status=status, content_type=content_type)


def error(status: int, reason: str) -> Response:
    """A JSON error body with a human-readable reason."""
    return json_response({"error": reason}, status=status)


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: ASCII digits naming an id a row can have. A larger number (it
    would overflow the database's 64-bit integer) or a malformed one is 404 before any query."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        """The id, or ValidationError (a 404) when no row can have it."""
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number


def id_arg(name: str) -> int | None:
    """A paging id from the query string (max_id, min_id); None when absent or not an id."""
    return parse_id(request.args.get(name, ""))
