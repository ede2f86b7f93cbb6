"""Local copies of remote images, made by their own worker so that a slow or failing image
host never holds up the inbox: a stored remote post's images are queued (storage.image_cache),
fetched here, checked and re-encoded as our own uploads are, and retried with backoff when the
host fails for now. An image that cannot be had stays a link to its original. The same loop
copies remote actors' avatars and headers (workers.account_images)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from activitypub.http import FetchError
from fedi.core.services import Services
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import MediaError, process_as_configured
from fedi.workers import account_images
from fedi.workers.image_fetch import MAX_ATTEMPTS as MAX_ATTEMPTS
from fedi.workers.image_fetch import Refused, fetch, is_final, retry_at
from storage import image_cache
from storage.account_images import next_due as next_picture_due
from storage.timeutil import utcnow

log = logging.getLogger(__name__)
BATCH = 8  # images leased per run
PARALLEL = 4  # fetched at once
IDLE = 5.0  # seconds between looks at the queue when nothing wakes the worker


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
        await _failed(svc, item, str(exc), final=is_final(exc))
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
    cfg = svc.settings.media
    body = await fetch(svc, url, max_bytes=cfg.max_bytes)
    processed = await process_as_configured(body, cfg, provenance=None)
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    size = len(processed.data)
    return image_cache.Copy(file_name, size, processed.width, processed.height, processed.blurhash)


async def _failed(svc: Services, item: image_cache.Due, error: str, *, final: bool) -> None:
    when = retry_at(item.attempts + 1, final=final)
    async with svc.sessions.begin() as session:
        await image_cache.failed(session, item, error=error, retry_at=when)


async def run(svc: Services, stop: asyncio.Event) -> None:
    """Worker loop: cache due images (posts' pictures, actors' avatars and headers) whenever
    a stored post or actor wakes it, or when one is due."""
    while not stop.is_set():
        svc.image_wakeup.clear()
        try:
            taken = await process_due(svc) + await account_images.process_due(svc)
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
        found = [await image_cache.next_due(session), await next_picture_due(session)]
    due = [when for when in found if when is not None]
    if not due:
        return IDLE
    return min(IDLE, max(0.05, (min(due) - utcnow()).total_seconds()))
