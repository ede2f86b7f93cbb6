"""A status with pictures already stored (uploaded from an app, or painted through the
generations extension): the post carries them in the order given, each with its alt text.
A reply of text alone (from the web app's post page or a Mastodon app) is made here too.

A picture painted here brings its prompt and model into the post's text, as `/paint` does;
an uploaded picture claims neither. Refused as Mastodon refuses them: no text and no picture,
more than four pictures, or one that is not the author's, not unattached, or not there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.limits import LANGUAGE, MEDIA_PER_STATUS, refuse_over, status_length
from fedi.domain.mentions import compose
from fedi.domain.posting import PostError, _notify, _parent, _store_tags
from fedi.federation.as2.notes import Tags, content_html, create
from fedi.federation.audience import VISIBILITIES as AUDIENCES
from fedi.federation.audience import post_inboxes
from fedi.federation.outbox import queue
from storage import media as stored
from storage import stream_events
from storage.ids import new_id
from storage.models import Post

BLANK = "Validation failed: Text can't be blank"
TOO_MANY = f"Cannot attach more than {MEDIA_PER_STATUS} files"
ONE_PAINTED = "a status may carry one painted picture (its prompt and model are in its text)"
VISIBILITIES = ("", *AUDIENCES)  # "" is public


def not_found(ids: Sequence[object]) -> str:
    """Mastodon's words for media that cannot be attached."""
    listed = ", ".join(str(number) for number in ids)
    return f"Media with IDs {listed} not found or already attached to another post"


@dataclass(frozen=True)
class MediaDraft:
    """A status with pictures, as an app sends it."""

    username: str
    text: str
    media_ids: Sequence[int]
    sensitive: bool = False
    in_reply_to: str | None = None
    content_warning: str = ""
    visibility: str = ""
    remix_of: str | None = None  # the URI of the post this one remixes
    language: str | None = None  # an ISO 639 code (and region), as Mastodon's `language`


def _check(svc: Services, draft: MediaDraft) -> None:
    if not draft.text.strip() and not draft.media_ids:
        raise PostError(BLANK)
    if len(draft.media_ids) > MEDIA_PER_STATUS:
        raise PostError(TOO_MANY)
    if draft.visibility not in VISIBILITIES:
        refused = draft.visibility
        raise PostError(f"visibility {refused!r} is not one of {', '.join(AUDIENCES)}")
    if draft.language is not None and not LANGUAGE.fullmatch(draft.language):
        raise PostError(f"{draft.language!r} is not a language code (such as en or pt-BR)")
    length = status_length(draft.text) + status_length(draft.content_warning)
    what = "the caption and content warning"
    refuse_over(length, svc.settings.limits.status_chars, "status_chars", what, PostError)


async def post_with_media(svc: Services, draft: MediaDraft) -> Post:
    """Store a post carrying the author's unattached pictures and queue its delivery."""
    _check(svc, draft)
    ids = list(dict.fromkeys(draft.media_ids))
    async with svc.reads() as session:
        author = await acting_user(session, draft.username)
        pictures = await stored.all_unattached(session, author.id, ids)
        painted = await stored.generations_of(session, pictures)
    missing = [number for number in ids if number not in {row.id for row in pictures}]
    if missing:
        raise PostError(not_found(missing))
    if len(painted) > 1:
        raise PostError(ONE_PAINTED)
    parent, parent_author = await _parent(svc, author, draft.in_reply_to)
    caption_text, caption = await compose(
        svc, draft.text.strip(), author=author, reply_to=parent_author
    )
    generation = next(iter(painted.values()), None)
    model = (generation.model or generation.backend) if generation else None
    prompt = generation.prompt if generation else None
    post_id = new_id()
    post = Post(
        id=post_id,
        uri=svc.urls.post(author.username, post_id),
        url=svc.urls.post_page(author.username, post_id),
        account_id=author.id,
        local=True,
        content_html=content_html(caption.html, model, prompt, draft.remix_of),
        caption=caption_text,
        in_reply_to_uri=parent.uri if parent is not None else None,
        spoiler_text=draft.content_warning.strip(),
        sensitive=draft.sensitive or bool(draft.content_warning.strip()),
        visibility=draft.visibility or "public",
        language=draft.language or author.default_language or None,  # as Mastodon
        prompt=prompt,
        generator_backend=generation.backend if generation else None,
        generator_model=generation.model if generation else None,
        generator_seed=generation.seed if generation else None,
        remix_of_uri=draft.remix_of,
    )
    async with svc.sessions.begin() as session:
        session.add(post)
        await session.flush()
        if not await stored.attach(session, author.id, post.id, ids):
            raise PostError(not_found(ids))  # taken by another status meanwhile: rolled back
        _store_tags(session, post, caption)
        await _notify(session, post, caption, parent)
        tags = Tags(caption.mentions, caption.hashtags)
        activity = create(svc, author, post, pictures, tags=tags)  # in the order asked
        inboxes = await post_inboxes(
            session, author.id, post.visibility, caption.mentions, post.remix_of_uri
        )
        await queue(session, author, activity, inboxes)
        stream_events.record(session, stream_events.UPDATE, post.id, author.id)
    svc.delivery_wakeup.set()
    return post
