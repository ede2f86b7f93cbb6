"""Pictures painted through the API (POST /api/v1/impasto/generations): asked at once, painted
in the background of the server, kept as an unattached picture of the asker's that a status
may then carry (`media_ids[]`); the post it goes into carries the prompt and the model.

The same quota, rate and slot rules as `/paint` and `impasto post` (fedi.domain.generation);
the same pipeline and provenance (XMP trainedAlgorithmicMedia, C2PA when enabled). A server that
stops while one is unfinished cannot finish it: it ends `failed` with the reason, at once when the
server stops cleanly, or when the next one starts (`fail_abandoned`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import generation, image_models
from fedi.domain.generation import LimitReached
from fedi.domain.limits import refuse_over
from fedi.domain.posting import _with_content_credentials
from fedi.domain.records import RecordNotFound
from fedi.federation.as2.notes import default_alt_text
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import MediaError, Provenance, process_as_configured
from generators.base import GeneratedImage, GenerationError, GenerationRequest
from storage import generations
from storage import media as stored
from storage.models import Account, Generation, MediaAttachment

log = logging.getLogger(__name__)

# Width and height asked of the model for each aspect ratio (about a megapixel each).
ASPECT_RATIOS = {
    "1:1": (1024, 1024),
    "4:3": (1152, 864),
    "3:4": (864, 1152),
    "3:2": (1248, 832),
    "2:3": (832, 1248),
    "16:9": (1344, 768),
    "9:16": (768, 1344),
}
ABANDONED = "the server stopped before the picture was made; please ask again"
MAX_SEED = 2**63 - 1


class JobError(UserError):
    """A request to paint is refused; the message says why."""


class JobLimit(JobError):
    """The asker's quota or rate limit: not now; the message says when."""


@dataclass(frozen=True)
class Job:
    """What a person asks to be painted."""

    prompt: str
    negative_prompt: str | None = None
    aspect_ratio: str = "1:1"
    seed: int | None = None
    model: str | None = None  # the key of a model offered (image_models); None: the default


def checked(svc: Services, job: Job) -> Job:
    """The job with its texts stripped; JobError for an empty or long prompt, an unknown
    aspect ratio or a seed out of range, UnknownModel for a model not offered."""
    prompt, negative = job.prompt.strip(), (job.negative_prompt or "").strip() or None
    if not prompt:
        raise JobError("the prompt is empty")
    limit = svc.settings.limits.prompt_chars
    refuse_over(len(prompt), limit, "prompt_chars", "the prompt", JobError)
    refuse_over(len(negative or ""), limit, "prompt_chars", "the negative prompt", JobError)
    if job.aspect_ratio not in ASPECT_RATIOS:
        known = ", ".join(ASPECT_RATIOS)
        raise JobError(f"aspect_ratio must be one of {known}, not {job.aspect_ratio!r}")
    if job.seed is not None and not 0 <= job.seed <= MAX_SEED:
        raise JobError(f"seed must be a whole number from 0 to {MAX_SEED}")
    model = image_models.check(svc, job.model) if job.model else None
    return Job(prompt, negative, job.aspect_ratio, job.seed, model)


async def ask(svc: Services, account: Account, job: Job) -> int:
    """Queue a generation within the asker's quotas (JobLimit otherwise); its id. Run it
    with `paint`, in the background."""
    job = checked(svc, job)
    options = generations.Options(job.aspect_ratio, job.negative_prompt, job.seed)
    try:
        return await generation.admit(svc, account.id, job.prompt, options, job.model)
    except LimitReached as exc:
        raise JobLimit(str(exc)) from exc


async def paint(svc: Services, account_id: int, generation_id: int, job: Job) -> None:
    """Wait for a slot, run the model and keep the picture; whatever fails is recorded on
    the generation (its state `failed`, its reason), nothing is raised."""
    width, height = ASPECT_RATIOS[job.aspect_ratio]
    request = GenerationRequest(job.prompt, job.negative_prompt, width, height, job.seed)
    try:
        async with generation.running(svc, generation_id, request) as image:
            await _keep(svc, account_id, generation_id, job, image)
    except (GenerationError, UserError):
        pass  # recorded as failed, with the reason
    except Exception:
        log.exception("generation %s failed", generation_id)  # recorded as interrupted


async def _keep(
    svc: Services, account_id: int, generation_id: int, job: Job, image: GeneratedImage
) -> None:
    meta = image.metadata
    provenance = Provenance(meta.model, meta.backend, job.prompt, meta.seed)
    try:
        processed = await process_as_configured(image.data, svc.settings.media, provenance)
    except MediaError as exc:
        raise GenerationError(f"the image model returned an unusable image: {exc.reason}") from exc
    if svc.settings.media.c2pa:
        processed = await _with_content_credentials(svc, processed, provenance, generation_id)
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    try:
        async with svc.sessions.begin() as session:
            picture = MediaAttachment(
                account_id=account_id,
                file_name=file_name,
                media_type=processed.media_type,
                width=processed.width,
                height=processed.height,
                file_size=len(processed.data),
                blurhash=processed.blurhash,
                description=default_alt_text(job.prompt, svc.settings.limits.alt_text_chars),
                origin=stored.GENERATED,
                generation_id=generation_id,
            )
            session.add(picture)
            await session.flush()
            row = await session.get(Generation, generation_id)
            if row is not None:
                row.seed = meta.seed if meta.seed is not None else row.seed
            await generations.set_state(
                session, generation_id, generations.DONE, model=meta.model, media_id=picture.id
            )
    except BaseException:
        await asyncio.shield(asyncio.to_thread(remove_files, svc.media_dir, [file_name]))
        raise


async def fail_abandoned(svc: Services, started: datetime) -> int:
    """Fail the API's generations left unfinished by a server that stopped (see the module)."""
    async with svc.sessions.begin() as session:
        return await generations.fail_abandoned(session, started, ABANDONED)


async def show(
    svc: Services, account: Account, generation_id: int
) -> tuple[Generation, MediaAttachment | None]:
    """The asker's generation and, once done, its picture; RecordNotFound for anyone else."""
    async with svc.reads() as session:
        row = await generations.owned(session, account.id, generation_id)
        if row is None or row.aspect_ratio is None:  # only those asked through the API
            raise RecordNotFound(f"no generation {generation_id}")
        picture = await session.get(MediaAttachment, row.media_id) if row.media_id else None
    return row, picture
