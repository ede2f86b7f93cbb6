"""Making a post from a prompt: generate, process, store and queue its delivery in one go."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from generators.base import GenerationError, GenerationRequest
from storage import accounts, follows, generations
from storage.ids import new_id
from storage.models import MediaAttachment, Post

from . import generation
from .accounts import ensure_instance_actor
from .c2pa_manifest import SETTING as C2PA_SETTING
from .c2pa_manifest import C2paSigningError, sign_image
from .generation import LimitReached, Progress
from .media import MediaError, ProcessedImage, Provenance, process_image
from .media_store import new_file_name, write_file
from .notes import content_html, create, default_alt_text
from .outbox import queue
from .services import INSTANCE_ACTOR, Services

# Long enough for any model's prompt; the provenance XMP keeps a shortened copy past 4,000.
MAX_PROMPT_CHARS = 10_000


class PostError(Exception):
    """A post could not be made; the message says why in words a user understands."""


@dataclass(frozen=True)
class Draft:
    """What a person asks for."""

    username: str
    prompt: str
    alt: str | None = None
    caption: str = ""
    sensitive: bool = False
    seed: int | None = None


async def _with_content_credentials(
    svc: Services, processed: ProcessedImage, provenance: Provenance, generation_id: int
) -> ProcessedImage:
    """The image with a C2PA manifest signed by the instance's key; the admin asked for one,
    so without it there is no post."""
    try:
        actor = await ensure_instance_actor(svc)
        if actor.private_key_pem is None:
            raise C2paSigningError("the instance actor has no private key")
        signed = await asyncio.to_thread(
            sign_image,
            processed.data,
            processed.media_type,
            provenance,
            actor.private_key_pem,
            svc.settings.instance.host,
        )
    except C2paSigningError as exc:
        reason = f"the image could not be signed as {C2PA_SETTING} = true asks: {exc}"
        await generation.fail(svc, generation_id, reason)
        raise PostError(reason) from exc
    return replace(processed, data=signed)


async def make_post(svc: Services, draft: Draft, progress: Progress | None = None) -> Post:
    """Generate the image, store post and media, and queue a delivery per follower inbox."""
    if not draft.prompt.strip():
        raise PostError("the prompt is empty")
    if len(draft.prompt) > MAX_PROMPT_CHARS:
        raise PostError(f"the prompt is longer than {MAX_PROMPT_CHARS} characters")
    async with svc.reads() as session:
        author = await accounts.local_account(session, draft.username)
    if author is None or author.username == INSTANCE_ACTOR:
        raise PostError(f"no local user {draft.username!r}")
    request = GenerationRequest(prompt=draft.prompt, seed=draft.seed)
    try:
        generation_id, image = await generation.generate(svc, author.id, request, progress)
    except LimitReached as exc:
        raise PostError(str(exc)) from exc
    except GenerationError as exc:
        raise PostError(exc.reason) from exc  # backends word their reasons for people
    meta = image.metadata
    provenance = Provenance(
        model=meta.model, backend=meta.backend, prompt=draft.prompt, seed=meta.seed
    )
    media_cfg = svc.settings.media
    try:
        processed = await asyncio.to_thread(
            process_image,
            image.data,
            provenance=provenance,
            max_bytes=media_cfg.max_bytes,
            max_pixels=media_cfg.max_pixels,
            output_format=media_cfg.format,
        )
    except MediaError as exc:
        reason = f"the image model returned an unusable image: {exc.reason}"
        await generation.fail(svc, generation_id, reason)
        raise PostError(reason) from exc
    if media_cfg.c2pa:
        processed = await _with_content_credentials(svc, processed, provenance, generation_id)
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)

    post_id = new_id()
    post = Post(
        id=post_id,
        uri=svc.urls.post(author.username, post_id),
        url=svc.urls.post_page(author.username, post_id),
        account_id=author.id,
        local=True,
        content_html=content_html(draft.caption, meta.model),
        caption=draft.caption,
        sensitive=draft.sensitive,
        prompt=draft.prompt,
        generator_backend=meta.backend,
        generator_model=meta.model,
        generator_seed=meta.seed,
    )
    media = MediaAttachment(
        account_id=author.id,
        position=0,
        file_name=file_name,
        media_type=processed.media_type,
        width=processed.width,
        height=processed.height,
        file_size=len(processed.data),
        blurhash=processed.blurhash,
        description=(draft.alt or default_alt_text(draft.prompt)),
    )
    async with svc.sessions.begin() as session:
        session.add(post)
        await session.flush()
        media.post_id = post.id
        session.add(media)
        await session.flush()
        activity = create(svc, author, post, [media])
        inboxes = await follows.follower_inboxes(session, author.id)
        await queue(session, author, activity, inboxes)
        await generations.set_state(session, generation_id, generations.DONE, post_id=post.id)
    svc.delivery_wakeup.set()
    return post
