"""Running the image model for a user: rate limit and quota, a place in the queue, progress.

Each request is a `generations` row that moves queued -> generating -> processing -> done, or
-> failed with the reason. The rows are the ledger for the limits, so the limits hold across
processes (`impasto post` and `impasto serve` share them through the database).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from generators.base import GeneratedImage, GenerationError, GenerationRequest
from storage import generations
from storage.timeutil import utcnow

from .services import Services

# Called with (state, detail) at each step; the CLI prints it, the web UI will stream it.
Progress = Callable[[str, str], None]
POLL_INTERVAL = 0.25


class LimitReached(Exception):
    """The user may not start another generation yet; the message says when they may."""


def _wait_text(oldest: datetime | None, window: timedelta) -> str:
    if oldest is None:
        return "later"
    seconds = max(0.0, (oldest + window - utcnow()).total_seconds())
    minutes = math.ceil(seconds / 60)
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


async def _check_limits(svc: Services, account_id: int) -> None:
    cfg = svc.settings.generator
    limits = [
        (cfg.per_user_hourly_limit, timedelta(hours=1), "in the last hour"),
        (cfg.per_user_daily_quota, timedelta(days=1), "in the last 24 hours"),
    ]
    async with svc.reads() as session:
        for limit, window, words in limits:
            if limit == 0:
                continue
            count, oldest = await generations.started_since(session, account_id, utcnow() - window)
            if count >= limit:
                raise LimitReached(
                    f"you have started {count} generations {words}, the limit here is {limit}; "
                    f"try again {_wait_text(oldest, window)}"
                )


async def _wait_for_slot(svc: Services, generation_id: int, progress: Progress) -> None:
    cfg = svc.settings.generator
    told = False
    while True:
        async with svc.sessions.begin() as session:
            if await generations.try_start(
                session, generation_id, cfg.max_concurrent, cfg.stale_after
            ):
                return
        if not told:
            progress(generations.QUEUED, "waiting for a free slot: other images are being made")
            told = True
        await asyncio.sleep(POLL_INTERVAL)


async def fail(svc: Services, generation_id: int, reason: str) -> None:
    """Record that a generation failed and why."""
    async with svc.sessions.begin() as session:
        await generations.set_state(session, generation_id, generations.FAILED, reason=reason)


async def generate(
    svc: Services,
    account_id: int,
    request: GenerationRequest,
    progress: Progress | None = None,
) -> tuple[int, GeneratedImage]:
    """Queue, wait for a slot, and run the model; returns the generation's id and its image.

    Raises LimitReached before anything is queued, or GenerationError (recorded as failed).
    """
    progress = progress or (lambda state, detail: None)
    generator = svc.generator
    await _check_limits(svc, account_id)
    async with svc.sessions.begin() as session:
        row = await generations.add(session, account_id, request.prompt, generator.name)
    generation_id = row.id
    progress(generations.QUEUED, "")
    try:
        await _wait_for_slot(svc, generation_id, progress)
        model = getattr(generator, "model", None)  # a third-party backend may not say
        if model:
            async with svc.sessions.begin() as session:
                await generations.set_state(
                    session, generation_id, generations.GENERATING, model=model
                )
        progress(generations.GENERATING, f"{generator.name}" + (f" ({model})" if model else ""))
        image = await generator.generate(request)
    except GenerationError as exc:
        await fail(svc, generation_id, exc.reason)
        raise
    except (Exception, asyncio.CancelledError) as exc:
        await asyncio.shield(fail(svc, generation_id, f"interrupted: {exc!r}"))
        raise
    async with svc.sessions.begin() as session:
        await generations.set_state(
            session, generation_id, generations.PROCESSING, model=image.metadata.model
        )
    progress(generations.PROCESSING, "checking and re-encoding the image")
    return generation_id, image
