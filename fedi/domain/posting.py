"""Making a post from a prompt: generate, process, store and queue its delivery in one go."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import generation
from fedi.domain.accounts import acting_user, ensure_instance_actor
from fedi.domain.blocks import refuse_across_block
from fedi.domain.generation import LimitReached, Progress
from fedi.domain.limits import LANGUAGE, refuse_over, status_length
from fedi.domain.lookup import find_post
from fedi.domain.mentions import compose
from fedi.federation.as2.captions import Caption
from fedi.federation.as2.notes import Tags, content_html, create, default_alt_text
from fedi.federation.audience import VISIBILITIES, post_inboxes
from fedi.federation.outbox import queue
from fedi.media.c2pa import SETTING as C2PA_SETTING
from fedi.media.c2pa import C2paSigningError, sign_image
from fedi.media.files import new_file_name, write_file
from fedi.media.pipeline import MediaError, ProcessedImage, Provenance, process_as_configured
from generators.base import GeneratedImage, GenerationError, GenerationRequest
from storage import generations, notifications, stream_events
from storage.ids import new_id
from storage.models import Account, MediaAttachment, Mention, Post, PostTag


class PostError(UserError):
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
    in_reply_to: str | None = None  # the post replied to: id, Note URL or page URL
    content_warning: str = ""  # Mastodon's spoiler text: shown in front; implies sensitive
    visibility: str = "public"  # or unlisted, private (followers only), direct (mentioned only)
    language: str | None = None  # an ISO 639 code (and region), as Mastodon's `language`


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


def _checked(svc: Services, draft: Draft) -> Draft:
    """The draft with its content warning and alt text stripped (as Mastodon strips them),
    or PostError when something is empty or over its limit ([limits])."""
    limits = svc.settings.limits
    if draft.visibility not in VISIBILITIES:
        raise PostError(f"visibility {draft.visibility!r} is not one of {', '.join(VISIBILITIES)}")
    if draft.language is not None and not LANGUAGE.fullmatch(draft.language):
        raise PostError(f"{draft.language!r} is not a language code (such as en or pt-BR)")
    if not draft.prompt.strip():
        raise PostError("the prompt is empty")
    refuse_over(len(draft.prompt), limits.prompt_chars, "prompt_chars", "the prompt", PostError)
    draft = replace(
        draft, content_warning=draft.content_warning.strip(), alt=(draft.alt or "").strip()
    )
    # Mastodon counts the content warning with the text.
    length = status_length(draft.caption) + status_length(draft.content_warning)
    what = "the caption and content warning"
    refuse_over(length, limits.status_chars, "status_chars", what, PostError)
    alt_chars = len(draft.alt or "")
    refuse_over(alt_chars, limits.alt_text_chars, "alt_text_chars", "the alt text", PostError)
    return draft


async def make_post(svc: Services, draft: Draft, progress: Progress | None = None) -> Post:
    """Generate the image, store post and media, and queue a delivery per follower inbox."""
    draft = _checked(svc, draft)
    async with svc.reads() as session:
        author = await acting_user(session, draft.username)
    # The post replied to and the caption's mentions are found before any image is paid for.
    parent, parent_author = await _parent(svc, author, draft.in_reply_to)
    caption_text, caption = await compose(svc, draft.caption, author=author, reply_to=parent_author)
    request = GenerationRequest(prompt=draft.prompt, seed=draft.seed)
    try:
        # The slot is held until the post is stored; whatever fails on the way frees it.
        async with generation.generating(svc, author.id, request, progress) as (gen_id, image):
            return await _publish(svc, draft, author, parent, caption_text, caption, gen_id, image)
    except LimitReached as exc:
        raise PostError(str(exc)) from exc
    except GenerationError as exc:
        raise PostError(exc.reason) from exc  # backends word their reasons for people


async def _publish(
    svc: Services,
    draft: Draft,
    author: Account,
    parent: Post | None,
    caption_text: str,
    caption: Caption,
    generation_id: int,
    image: GeneratedImage,
) -> Post:
    """Check and write the image, then store the post, its media and deliveries at once."""
    meta = image.metadata
    provenance = Provenance(
        model=meta.model, backend=meta.backend, prompt=draft.prompt, seed=meta.seed
    )
    limits = svc.settings.limits
    try:
        processed = await process_as_configured(image.data, svc.settings.media, provenance)
    except MediaError as exc:
        reason = f"the image model returned an unusable image: {exc.reason}"
        await generation.fail(svc, generation_id, reason)
        raise PostError(reason) from exc
    if svc.settings.media.c2pa:
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
        content_html=content_html(caption.html, meta.model or meta.backend, draft.prompt),
        caption=caption_text,
        in_reply_to_uri=parent.uri if parent is not None else None,
        spoiler_text=draft.content_warning,
        sensitive=draft.sensitive or bool(draft.content_warning),  # as Mastodon
        visibility=draft.visibility,
        language=draft.language or author.default_language or None,  # as Mastodon
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
        description=draft.alt or default_alt_text(draft.prompt, limits.alt_text_chars),
    )
    async with svc.sessions.begin() as session:
        session.add(post)
        await session.flush()
        media.post_id = post.id
        session.add(media)
        await session.flush()
        _store_tags(session, post, caption)
        await _notify(session, post, caption, parent)
        stream_events.record(session, stream_events.UPDATE, post.id, author.id)
        activity = create(svc, author, post, [media], tags=Tags(caption.mentions, caption.hashtags))
        inboxes = await post_inboxes(session, author.id, post.visibility, caption.mentions)
        await queue(session, author, activity, inboxes)
        await generations.set_state(session, generation_id, generations.DONE, post_id=post.id)
    svc.delivery_wakeup.set()
    return post


async def _parent(
    svc: Services, author: Account, reference: str | None
) -> tuple[Post | None, Account | None]:
    """The post replied to (a remote one is fetched) and its author; BlockError when either
    blocks the other (Mastodon refuses such replies)."""
    if reference is None:
        return None, None
    parent = await find_post(svc, reference)
    async with svc.reads() as session:
        parent_author = await session.get(Account, parent.account_id)
        assert parent_author is not None
        await refuse_across_block(svc, session, author, parent_author, "reply to")
    return parent, parent_author


def _store_tags(session: AsyncSession, post: Post, caption: Caption) -> None:
    session.add_all(Mention(post_id=post.id, account_id=account.id) for account in caption.mentions)
    session.add_all(PostTag(post_id=post.id, name=name) for name in caption.hashtags)


async def _notify(session: AsyncSession, post: Post, caption: Caption, parent: Post | None) -> None:
    """The author of a local post replied to gets a `reply` (mentioned or not: a reply
    names whom it answers), other local users mentioned a `mention` (the rule
    fedi.domain.remote_posts follows for remote notes)."""
    told: set[int] = set()
    if parent is not None and parent.local:
        told.add(parent.account_id)
        await notifications.about_post(session, parent.account_id, notifications.REPLY, post)
    for account in caption.mentions:
        if account.domain is None and account.id not in told:
            told.add(account.id)
            await notifications.about_post(session, account.id, notifications.MENTION, post)
