"""Copies of remote actors' avatars and headers, so that pages and apps show a picture this
server serves (a page never loads another host's file): an actor stored or refreshed with a
new or changed picture queues it (storage.account_images), and the image worker's loop
(workers.images) fetches it here with the rules of posts' pictures, the byte cap of a
profile picture ([limits] profile_image_bytes), scales it down to Mastodon's sizes (avatar
400x400, header 1500x500), re-encodes it and stores it under a generated name. A picture
that cannot be had leaves the account without one (the initial, or the default picture)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from activitypub.http import FetchError
from fedi.core.services import Services
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import AVATAR_BOX, HEADER_BOX, MediaError, process_image
from fedi.workers.image_fetch import Refused, fetch, is_final, retry_at
from storage import account_images
from storage.account_images import AVATAR, Due

log = logging.getLogger(__name__)
BATCH = 8  # pictures leased per run
PARALLEL = 4  # fetched at once


async def process_due(svc: Services, *, limit: int = BATCH) -> int:
    """Try the due pictures (at most `limit`); returns how many were taken."""
    lease = timedelta(seconds=2 * svc.settings.federation.request_timeout + 60)
    due = await account_images.claim(svc.sessions, limit=limit, lease=lease)
    gate = asyncio.Semaphore(PARALLEL)

    async def one(item: Due) -> None:
        async with gate:
            try:
                await _cache(svc, item)
            except Exception:  # recording failed too (the database): its lease runs out
                log.exception("copying %s failed", item.remote_url)

    await asyncio.gather(*(one(item) for item in due))
    return len(due)


async def _cache(svc: Services, item: Due) -> None:
    try:
        file_name = await _copy(svc, item)
    except (FetchError, MediaError, Refused) as exc:
        log.info("%s %s not copied: %s", item.kind, item.remote_url, exc)
        await _failed(svc, item, str(exc), final=is_final(exc))
        return
    except Exception as exc:  # a bug, a full disk: counted, and tried again later
        log.exception("copying %s crashed", item.remote_url)
        await _failed(svc, item, f"crashed: {exc!r}", final=False)
        return
    kept = False
    try:
        async with svc.sessions.begin() as session:
            kept = await account_images.cached(session, item, file_name)
    finally:
        if not kept:  # the picture changed, the account or its server went meanwhile
            await asyncio.to_thread(remove_files, svc.media_dir, [file_name])


async def _copy(svc: Services, item: Due) -> str:
    """Fetch, check, scale down, re-encode and write one picture; its file name."""
    if await svc.domain_blocked(item.domain):  # a picture hosted elsewhere, of a blocked server
        raise Refused(f"{item.domain} is blocked here")
    limit = svc.settings.limits.profile_image_bytes
    body = await fetch(svc, item.remote_url, max_bytes=limit)
    processed = await asyncio.to_thread(
        process_image,
        body,
        provenance=None,
        max_bytes=limit,
        max_pixels=svc.settings.media.max_pixels,
        max_box=AVATAR_BOX if item.kind == AVATAR else HEADER_BOX,
        output_format=svc.settings.media.format,
    )
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    return file_name


async def _failed(svc: Services, item: Due, error: str, *, final: bool) -> None:
    when = retry_at(item.attempts + 1, final=final)
    async with svc.sessions.begin() as session:
        await account_images.failed(session, item, error=error, retry_at=when)
