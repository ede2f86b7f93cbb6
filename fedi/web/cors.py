"""CORS for what browser clients (Phanpy, Elk) call from their own origin: the API, the token
and revoke endpoints and /.well-known. Tokens travel in a header, never in cookies, so any
origin may call (`*`, no credentials), as Mastodon's rack-cors setup allows."""

from __future__ import annotations

from quart import Quart, Response, request

PREFIXES = ("/api/", "/.well-known/")
PATHS = ("/oauth/token", "/oauth/revoke")
HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, X-RateLimit-Limit, X-RateLimit-Remaining, "
    "X-RateLimit-Reset, X-Request-Id, Idempotency-Key",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
    "Access-Control-Max-Age": "86400",
}


def _covered() -> bool:
    return request.path.startswith(PREFIXES) or request.path in PATHS


def install(app: Quart) -> None:
    """Answer preflights and add the CORS headers on the covered paths."""

    @app.before_request
    async def preflight() -> Response | None:
        if request.method == "OPTIONS" and _covered():
            return Response("", status=200, headers={**HEADERS, **PREFLIGHT})  # as rack-cors
        return None

    @app.after_request
    async def cors(response: Response) -> Response:
        if _covered():
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
        return response
