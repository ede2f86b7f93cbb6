"""How large a request body may be, by route: the client API's JSON and form bodies are
small ([limits] api_body_bytes), a profile change carries two pictures, media uploads are
bounded by the media settings, and everything else (inbox POSTs) by [federation]
max_inbox_bytes. Quart fixes the bound when it makes the request object, before any route
runs, so the bound is chosen there: a larger Content-Length is refused with 413 before the
body is read (whether or not the route reads it), and a body that grows past it is cut
off."""

from __future__ import annotations

import re
from typing import Any

from quart import Quart, Request, abort, request

from fedi.core.settings import Settings

MEDIA_UPLOAD = re.compile(r"^/api/v[12]/media/?$")
PROFILE = "/api/v1/accounts/update_credentials"
COMPOSE_UPLOAD = "/compose/upload"
PROFILE_PAGE = "/settings/profile"  # its form carries the same two pictures
# Room for the multipart framing and the other fields around an uploaded file.
FORM_OVERHEAD = 64 * 1024


def body_limit(settings: Settings, method: str, path: str) -> int:
    """The most bytes a request body to `path` may have."""
    if method == "POST" and path == COMPOSE_UPLOAD:  # a person's own picture, from a page
        return settings.media.upload_bytes + FORM_OVERHEAD
    if method == "POST" and path == PROFILE_PAGE:
        return 2 * settings.limits.profile_image_bytes + FORM_OVERHEAD
    if not path.startswith(("/api/", "/oauth/")):
        return settings.federation.max_inbox_bytes
    if method == "POST" and MEDIA_UPLOAD.match(path):
        return settings.media.upload_bytes + FORM_OVERHEAD
    if method == "PATCH" and path == PROFILE:
        return 2 * settings.limits.profile_image_bytes + FORM_OVERHEAD
    return settings.limits.api_body_bytes


def install(app: Quart, settings: Settings) -> None:
    """Make the app's requests carry the bound of their route."""

    class BoundedRequest(app.request_class):  # type: ignore[name-defined,misc]
        """A request whose body bound depends on its route."""

        def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
            limit = kwargs["max_content_length"] = body_limit(settings, method, path)
            super().__init__(method, scheme, path, *args, **kwargs)
            self.max_content_length = limit  # what form parsing and the 413 reason read

    app.request_class = BoundedRequest

    @app.before_request
    async def declared_too_large() -> None:
        """A Content-Length over the bound is refused even where the route reads no body."""
        limit = request.max_content_length
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)


def too_large(request: Request) -> str:
    """The reason of a 413: the bound of this request's route."""
    return f"body larger than {request.max_content_length} bytes"
