"""Fetching a remote image for a local copy, the same for a post's pictures (workers.images)
and an actor's avatar and header (workers.account_images): never a URL that can never be
fetched nor one on a blocked server, through the one HTTP client (SSRF guard, redirects,
deadlines) with a byte cap; which failures another try cannot change, and when to try again."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from activitypub.delivery import backoff
from activitypub.http import (
    BadContentType,
    BadDocument,
    BlockedAddress,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    UnfetchableURL,
)
from activitypub.urls import unfetchable
from fedi.core.services import Services
from fedi.media.pipeline import MediaError
from storage.timeutil import utcnow

MAX_ATTEMPTS = 5


class Refused(Exception):
    """An image URL this server will not fetch at all."""


# What another try cannot change: the host refused it for good, or it is not an image we take.
FINAL = (
    BlockedAddress,
    TooManyRedirects,
    ResponseTooLarge,
    BadContentType,
    BadDocument,
    MediaError,
    Refused,
    UnfetchableURL,
)


def is_final(exc: Exception) -> bool:
    """Whether another try of the image cannot end otherwise."""
    if isinstance(exc, HTTPStatusError):
        return exc.status < 500 and exc.status not in (408, 429)
    return isinstance(exc, FINAL)


async def fetch(svc: Services, url: str, *, max_bytes: int) -> bytes:
    """The image's bytes (at most `max_bytes`); Refused, or the client's FetchError."""
    reason = unfetchable(url)  # not http(s), credentials in it, 0x7f.1 …: never, so at once
    if reason is not None:
        raise Refused(reason)
    parts = urlsplit(url)
    if await svc.domain_blocked(parts.netloc):
        raise Refused(f"{parts.netloc} is blocked here")
    response = await svc.http.get_bytes(url, max_bytes=max_bytes, accept="image/*")
    return response.body


def retry_at(attempts: int, *, final: bool) -> datetime | None:
    """When to try again after `attempts` failed tries (None: never)."""
    if final or attempts >= MAX_ATTEMPTS:
        return None
    return utcnow() + timedelta(seconds=backoff(attempts))
