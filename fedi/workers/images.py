"""Local copies of remote images, made by their own worker so that a slow or failing image
host never holds up the inbox: a stored remote post's images are queued (storage.image_cache),
fetched here, checked and re-encoded as our own uploads are, and retried with backoff when the
host fails for now. An image that cannot be had stays a link to its original."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from activitypub.delivery import backoff
from activitypub.http import (
    BadContentType,
    BadDocument,
    BlockedAddress,
    FetchError,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    UnfetchableURL,
)
from activitypub.urls import unfetchable
from fedi.core.services import Services
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import MediaError, process_as_configured
from storage import image_cache
from storage.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 8  # images leased per run
PARALLEL = 4  # fetched at once
IDLE = 5.0  # seconds between looks at the queue when nothing wakes the worker


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


def _final(exc: Exception) -> bool:
    if isinstance(exc, HTTPStatusError):
        return exc.status < 500 and exc.status not in (408, 429)
    return isinstance(exc, FINAL)


async def process_due(svc: Services, *, limit: int = BATCH) -> int:
    """Try the due images (at most `limit`); returns how many were taken."""
    lease = timedelta(seconds=2 * svc.settings.federation.request_timeout + 60)
    due = await image_cache.claim(svc.sessions, limit=limit, lease=lease)
    gate = asyncio.Semaphore(PARALLEL)

    async def one(item: image_cache.Due) -> None:
        async with gate:
            try:
                await _cache(svc, item)
            except Exception:  # recording failed too (the database): its lease runs out
                log.exception("caching %s failed", item.remote_url)

    await asyncio.gather(*(one(item) for item in due))
    return len(due)


async def _cache(svc: Services, item: image_cache.Due) -> None:
    try:
        copy = await _copy(svc, item.remote_url)
    except (FetchError, MediaError, Refused) as exc:
        log.info("remote image %s not cached: %s", item.remote_url, exc)
        await _failed(svc, item, str(exc), final=_final(exc))
        return
    except Exception as exc:  # a bug, a full disk: counted, and tried again later
        log.exception("caching %s crashed", item.remote_url)
        await _failed(svc, item, f"crashed: {exc!r}", final=False)
        return
    await record(svc, item, copy)


async def record(svc: Services, item: image_cache.Due, copy: image_cache.Copy) -> bool:
    """Record a copy written to the media folder; its file is removed if it is not kept (its
    post was deleted or edited meanwhile, or recording failed). A delete that commits after
    this unlinks it: deletes take the names of the files they unlink from the rows they
    delete (storage.posts.remove_media)."""
    kept = False
    try:
        async with svc.sessions.begin() as session:
            kept = await image_cache.cached(session, item, copy)
    finally:
        if not kept:
            await asyncio.to_thread(remove_files, svc.media_dir, [copy.file_name])
    return kept


async def _copy(svc: Services, url: str) -> image_cache.Copy:
    """Fetch, check, re-encode and write one image; what to record of it."""
    reason = unfetchable(url)  # not http(s), credentials in it, 0x7f.1 …: never, so at once
    if reason is not None:
        raise Refused(reason)
    parts = urlsplit(url)
    if await svc.domain_blocked(parts.netloc):
        raise Refused(f"{parts.netloc} is blocked here")
    cfg = svc.settings.media
    response = await svc.http.get_bytes(url, max_bytes=cfg.max_bytes, accept="image/*")
    processed = await process_as_configured(response.body, cfg, provenance=None)
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    size = len(processed.data)
    return image_cache.Copy(file_name, size, processed.width, processed.height, processed.blurhash)


async def _failed(svc: Services, item: image_cache.Due, error: str, *, final: bool) -> None:
    attempts = item.attempts + 1
    retry = not final and attempts < MAX_ATTEMPTS
    retry_at = utcnow() + timedelta(seconds=backoff(attempts)) if retry else None
    async with svc.sessions.begin() as session:
        await image_cache.failed(session, item, error=error, retry_at=retry_at)


async def run(svc: Services, stop: asyncio.Event) -> None:
    """Worker loop: cache due images whenever a stored post wakes it, or when one is due."""
    while not stop.is_set():
        svc.image_wakeup.clear()
        try:
            taken = await process_due(svc)
            pause = 0.0 if taken else await _idle(svc)
        except Exception:  # the database, for now: the loop must go on
            log.exception("image cache worker failed; retrying")
            pause = IDLE
        if pause:
            await _wait(svc, stop, pause)


async def _wait(svc: Services, stop: asyncio.Event, seconds: float) -> None:
    """Sleep until woken, stopped, or `seconds` have passed."""
    waiters = [asyncio.ensure_future(svc.image_wakeup.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()


async def _idle(svc: Services) -> float:
    """How long to wait: until the next retry is due, but at most IDLE seconds."""
    async with svc.reads() as session:
        due = await image_cache.next_due(session)
    if due is None:
        return IDLE
    return min(IDLE, max(0.05, (due - utcnow()).total_seconds()))
