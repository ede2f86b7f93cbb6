"""Running the image model for a user: rate limit and quota, a place in the queue, progress.

Each request is a `generations` row that moves queued -> generating -> processing -> done, or
-> failed with the reason. The rows are the ledger for the limits, so the limits hold across
processes (`impasto post` and `impasto serve` share them through the database). A running
generation holds one of `max_concurrent` slots by a lease its process renews, from the model's
start until its post is stored or it fails; a process that dies frees it within `slot_lease`.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from fedi.core.sections import MAIN_MODEL
from fedi.core.services import Services
from fedi.domain import image_models, instance_settings
from generators.base import GeneratedImage, GenerationError, GenerationRequest
from storage import generations
from storage.timeutil import utcnow

# Called with (state, detail) at each step; the CLI prints it, the web UI will stream it.
Progress = Callable[[str, str], None]
POLL_INTERVAL = 0.25
log = logging.getLogger(__name__)


class LimitReached(Exception):
    """The user may not start another generation yet; the message says when they may."""


def _wait_text(oldest: datetime | None, window: timedelta) -> str:
    if oldest is None:
        return "later"
    seconds = max(0.0, (oldest + window - utcnow()).total_seconds())
    minutes = math.ceil(seconds / 60)
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


async def _quotas(svc: Services) -> dict[generations.Quota, str]:
    """The quotas in force (the daily one as an admin may have set it), each with the words
    that name its window."""
    cfg = (await instance_settings.current(svc)).generator
    quotas = {
        generations.Quota(cfg.per_user_hourly_limit, timedelta(hours=1)): "in the last hour",
        generations.Quota(cfg.per_user_daily_quota, timedelta(days=1)): "in the last 24 hours",
    }
    return {quota: words for quota, words in quotas.items() if quota.limit}


async def _admit(
    svc: Services,
    account_id: int,
    prompt: str,
    options: generations.Options | None = None,
    model: str | None = None,
) -> int:
    """Queue a generation of the model chosen (the default if None; UnknownModel for a key
    not offered) if the user's quotas allow it (checked and queued at once, so racing requests
    cannot both take the last one); LimitReached says when they may again."""
    key = await image_models.chosen(svc, model)
    backend = svc.generator_for(key).name
    quotas = await _quotas(svc)
    try:
        async with svc.sessions.begin() as session:
            row = await generations.add_within(
                session, account_id, prompt, backend, list(quotas), options, key
            )
    except generations.OverQuota as over:
        limit, window = over.quota.limit, over.quota.window
        raise LimitReached(
            f"you have started {over.count} generations {quotas[over.quota]}, the limit here is "
            f"{limit}; try again {_wait_text(over.oldest, window)}"
        ) from None
    return row.id


async def _wait_for_slot(svc: Services, generation_id: int, progress: Progress) -> None:
    cfg = svc.settings.generator
    told = False
    while True:
        async with svc.sessions.begin() as session:
            if await generations.try_start(
                session, generation_id, cfg.max_concurrent, cfg.stale_after, cfg.slot_lease
            ):
                return
            if await generations.state_of(session, generation_id) != generations.QUEUED:
                raise GenerationError("the generation ended while it waited for a slot")
        if not told:
            progress(generations.QUEUED, "waiting for a free slot: other images are being made")
            told = True
        await asyncio.sleep(POLL_INTERVAL)


async def _renew(svc: Services, generation_id: int, stop: asyncio.Event) -> None:
    """Renew a running generation's slot until `stop` is set or the run has ended. Stopped
    between renewals, never inside one; a renewal that fails is tried again (meanwhile the
    lease may run out, and the slot be taken)."""
    lease = svc.settings.generator.slot_lease
    while True:
        try:
            await asyncio.wait_for(stop.wait(), lease / 3)
            return
        except TimeoutError:
            pass
        try:
            async with svc.sessions.begin() as session:
                if not await generations.renew(session, generation_id, lease):
                    return
        except Exception:
            log.warning("could not renew the slot of generation %s", generation_id, exc_info=True)


async def fail(svc: Services, generation_id: int, reason: str) -> None:
    """Record that a generation failed and why."""
    async with svc.sessions.begin() as session:
        await generations.set_state(session, generation_id, generations.FAILED, reason=reason)


async def _release(svc: Services, generation_id: int, reason: str) -> None:
    """Fail a generation that has not ended, freeing its slot. If even that cannot be written
    (the database is down, the disk full), the slot frees itself when its lease runs out."""
    try:
        async with svc.sessions.begin() as session:
            await generations.release(session, generation_id, reason)
    except Exception:
        log.warning("could not release generation %s", generation_id, exc_info=True)


async def _run_model(
    svc: Services, generation_id: int, request: GenerationRequest, progress: Progress
) -> GeneratedImage:
    """Run the model it was asked of for a generation that holds a slot; it ends in
    `processing`."""
    async with svc.reads() as session:
        key = await generations.model_key_of(session, generation_id) or MAIN_MODEL
    try:
        generator = svc.generator_for(key)
    except KeyError:  # config.toml changed while it waited
        raise GenerationError(f"the model {key!r} is no longer offered here") from None
    model = getattr(generator, "model", None)  # a third-party backend may not say
    if model:
        async with svc.sessions.begin() as session:
            await generations.set_state(session, generation_id, generations.GENERATING, model=model)
    progress(generations.GENERATING, f"{generator.name}" + (f" ({model})" if model else ""))
    image = await generator.generate(request)
    async with svc.sessions.begin() as session:
        await generations.set_state(
            session, generation_id, generations.PROCESSING, model=image.metadata.model
        )
    progress(generations.PROCESSING, "checking and re-encoding the image")
    return image


async def admit(
    svc: Services,
    account_id: int,
    prompt: str,
    options: generations.Options,
    model: str | None = None,
) -> int:
    """Queue a generation of the model chosen (None: the default) if the user's quotas allow
    one more (LimitReached otherwise, with nothing queued); its id, to run with `running`."""
    return await _admit(svc, account_id, prompt, options, model)


@asynccontextmanager
async def generating(
    svc: Services,
    account_id: int,
    request: GenerationRequest,
    progress: Progress | None = None,
) -> AsyncIterator[tuple[int, GeneratedImage]]:
    """Queue, wait for a slot, and run the model; gives the generation's id and its image, and
    holds the slot (renewing its lease) until the block ends. The block records the outcome
    (`done`, which frees the slot); if it raises, or is cancelled (Ctrl-C, SIGTERM), the
    generation is failed with the reason and the slot freed at once.

    Raises LimitReached before anything is queued, or GenerationError (recorded as failed).
    """
    progress = progress or (lambda state, detail: None)
    generation_id = await _admit(svc, account_id, request.prompt)
    progress(generations.QUEUED, "")
    async with running(svc, generation_id, request, progress) as image:
        yield generation_id, image


@asynccontextmanager
async def running(
    svc: Services,
    generation_id: int,
    request: GenerationRequest,
    progress: Progress | None = None,
) -> AsyncIterator[GeneratedImage]:
    """Wait for a slot for a queued generation and run the model: as `generating`, for a
    generation already admitted. GenerationError (recorded as failed) when the model fails or
    the generation ended while it waited (failed by a restart's sweep, say)."""
    progress = progress or (lambda state, detail: None)
    stop, renewing = asyncio.Event(), None
    try:
        await _wait_for_slot(svc, generation_id, progress)
        renewing = asyncio.create_task(_renew(svc, generation_id, stop))
        yield await _run_model(svc, generation_id, request, progress)
    except GenerationError as exc:
        await asyncio.shield(_release(svc, generation_id, exc.reason))
        raise
    except (Exception, asyncio.CancelledError) as exc:
        await asyncio.shield(_release(svc, generation_id, f"interrupted: {exc!r}"))
        raise
    finally:
        stop.set()  # a renewal after the release changes nothing
        if renewing is not None:
            await asyncio.wait([renewing])
