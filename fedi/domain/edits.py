"""Edited posts both ways: `impasto edit` sends Update(Note); a received Update(Note) changes
our copy, but only when it comes from the note's author and is newer than what we have."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import NOTE_TYPES, Activity, RemoteNote, parse_note
from activitypub.urls import ids_equal
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import blocks
from fedi.domain.accounts import acting_user
from fedi.domain.limits import LANGUAGE, refuse_over, status_length
from fedi.domain.lookup import find_post
from fedi.domain.mentions import compose
from fedi.domain.remote_posts import mark_remixes, object_of, on_creates, post_and_media, retag
from fedi.federation.as2 import activities
from fedi.federation.as2.captions import Caption
from fedi.federation.as2.notes import Tags, content_html, default_alt_text, note, tags_of
from fedi.federation.audience import post_inboxes
from fedi.federation.outbox import queue
from fedi.media.files import remove_files
from storage import deliveries, image_cache, notifications, posts, reactions, stream_events
from storage.media import UPLOADED
from storage.models import Account, MediaAttachment, Mention, Post, PostTag
from storage.timeutil import utcnow

UNKNOWN_NOTE_AGE = timedelta(days=1)  # Mastodon's OBJECT_AGE_THRESHOLD


class EditError(UserError):
    """A post cannot be edited; the message says why."""


@dataclass(frozen=True)
class Edit:
    """What to change in a post; None leaves that part as it is."""

    caption: str | None = None
    alt: str | None = None  # "": the default made from the prompt
    sensitive: bool | None = None
    content_warning: str | None = None  # "": none (`sensitive` stays as it is unless given)
    language: str | None = None  # an ISO 639 code; "": none


async def edit(svc: Services, username: str, reference: str, change: Edit) -> Post:
    """Change an own post and send Update(Note) to everyone who got it, and to followers."""
    if change == Edit():
        raise EditError(
            "nothing to change: give --caption, --alt, --cw or --sensitive/--no-sensitive"
        )
    found = await find_post(svc, reference, fetch=False)
    async with svc.reads() as session:
        author = await acting_user(session, username)
    if not found.local or found.account_id != author.id:
        raise EditError(f"{reference} is not a post of {username}")
    change = _checked(svc, found, change)
    # Mentions are looked up before the transaction (they may need WebFinger).
    caption = None if change.caption is None else await compose(svc, change.caption, author=author)
    async with svc.sessions.begin() as session:
        post = await session.get(Post, found.id)
        assert post is not None
        media = (await posts.media_of(session, [post.id]))[post.id]
        _apply(post, media, change, svc.settings.limits.alt_text_chars)
        if caption is not None:
            await _recaption(session, post, *caption)
        await session.flush()
        tags = (await tags_of(session, [post.id]))[post.id]
        counts = (await reactions.counts(session, [post.id]))[post.id]
        doc = note(svc, author, post, media, counts=counts, tags=tags)
        update = activities.update_note(svc, author, doc)
        stream_events.record(session, stream_events.STATUS_UPDATE, post.id, author.id)
        await queue(session, author, update, await _audience(session, post, tags))
    svc.delivery_wakeup.set()
    return post


async def _audience(session: AsyncSession, post: Post, tags: Tags) -> list[str]:
    """As Mastodon: whoever received the Create hears of the edit, and today's audience of
    the post (its followers, unless it is direct, and the accounts it mentions)."""
    inboxes = set(await deliveries.inboxes_of(session, f"{post.uri}/activity"))
    inboxes.update(await post_inboxes(session, post.account_id, post.visibility, tags.mentions))
    return sorted(inboxes)


def _checked(svc: Services, post: Post, change: Edit) -> Edit:
    """The change with its content warning and alt text stripped, or EditError when the
    result would be over a limit ([limits]) or a post with a warning not sensitive."""
    limits = svc.settings.limits
    warning = post.spoiler_text
    if change.content_warning is not None:
        warning = change.content_warning.strip()
        change = replace(change, content_warning=warning)
    if change.caption is not None or change.content_warning is not None:
        caption = post.caption if change.caption is None else change.caption
        length = status_length(caption) + status_length(warning)
        what = "the caption and content warning"
        refuse_over(length, limits.status_chars, "status_chars", what, EditError)
    if change.alt is not None:
        alt = change.alt.strip()
        refuse_over(len(alt), limits.alt_text_chars, "alt_text_chars", "the alt text", EditError)
        change = replace(change, alt=alt)
    if change.language is not None and not LANGUAGE.fullmatch(change.language):
        raise EditError(f"{change.language!r} is not a language code (such as en or pt-BR)")
    if change.sensitive is False and warning:
        # As Mastodon, a content warning makes a post sensitive; it is not silently kept.
        raise EditError("a post with a content warning stays sensitive: remove it too (--cw '')")
    return change


def _apply(post: Post, media: list[MediaAttachment], change: Edit, alt_chars: int) -> None:
    if change.language is not None:
        post.language = change.language or None
    if change.content_warning is not None:
        post.spoiler_text = change.content_warning
    if change.sensitive is not None:
        post.sensitive = change.sensitive
    post.sensitive = post.sensitive or bool(post.spoiler_text)
    if change.alt is not None:
        for item in media:
            uploaded = item.origin == UPLOADED  # a person's picture: no prompt to describe it
            default = "" if uploaded else default_alt_text(post.prompt or "", alt_chars)
            item.description = change.alt or default
    post.updated_at = utcnow()


async def _recaption(session: AsyncSession, post: Post, text: str, caption: Caption) -> None:
    """The new caption (the model line kept); its mentions and hashtags replace the old, and
    local users it newly mentions are notified (once per post: see storage.notifications)."""
    post.caption = text
    model = post.generator_model or post.generator_backend
    post.content_html = content_html(caption.html, model, post.prompt, post.remix_of_uri)
    await session.execute(delete(Mention).where(Mention.post_id == post.id))
    await session.execute(delete(PostTag).where(PostTag.post_id == post.id))
    session.add_all(Mention(post_id=post.id, account_id=account.id) for account in caption.mentions)
    session.add_all(PostTag(post_id=post.id, name=name) for name in caption.hashtags)
    for account in caption.mentions:
        if account.is_local:
            await notifications.newly_mentioned(session, account.id, post)


def _stale(post: Post, note: RemoteNote) -> bool:
    """Not to be applied: an edit without `updated` (Mastodon takes only poll results from
    such an Update, and we have no polls), or one older than the last applied (they may
    arrive out of order). `updated` travels in whole seconds, so an equal one may be a second
    edit in the same second: it is applied (again, at worst)."""
    if note.updated is None:
        return True
    return post.updated_at is not None and note.updated < post.updated_at


async def on_update_note(svc: Services, activity: Activity) -> None:
    """Update(Note): applied only if the note's author sent it and it is newer."""
    if activity.object_id is None:
        return
    async with svc.reads() as session:
        post = await posts.by_uri(session, activity.object_id)
        author = await session.get(Account, post.account_id) if post is not None else None
    if post is None:
        await _update_of_unknown(svc, activity)
        return
    if post.local or post.deleted_at is not None or author is None:
        return
    if not ids_equal(author.uri, activity.actor):
        return  # only the note's author may change it
    remote = parse_note(await object_of(svc, activity))
    if not ids_equal(remote.id, post.uri) or not ids_equal(remote.attributed_to, author.uri):
        return
    if _stale(post, remote):
        return
    fresh, media = post_and_media(remote, author, svc.settings.limits)
    async with svc.sessions.begin() as session:
        row = await session.get(Post, post.id)
        if row is None or row.deleted_at is not None or _stale(row, remote):
            return
        row.content_html, row.spoiler_text = fresh.content_html, fresh.spoiler_text
        row.sensitive, row.language = fresh.sensitive, fresh.language
        await mark_remixes(session, [row])
        row.updated_at = min(remote.updated or utcnow(), utcnow())  # (_stale: it has one)
        unused = await _replace_media(session, row, media)
        await retag(session, remote, row)
        stream_events.record(session, stream_events.STATUS_UPDATE, row.id, row.account_id)
    await asyncio.to_thread(remove_files, svc.media_dir, unused)
    if any(item.id is not None for item in media):  # new images stored: copies queued
        svc.image_wakeup.set()


async def _update_of_unknown(svc: Services, activity: Activity) -> None:
    """As Mastodon: deliveries are not ordered, so an Update may come before its Create; one
    of a recent note we do not have is taken as that Create (and kept by the same rules).
    Updates of older notes we never had are of no interest."""
    doc = activity.object
    if doc is None or doc.get("type") not in NOTE_TYPES:
        return  # an actor's Update, or a bare id
    published = parse_note(doc).published
    if published is not None and published < utcnow() - UNKNOWN_NOTE_AGE:
        return
    # The same way as a Create: not kept if only local users who block its author would read it.
    [failure] = await blocks.unless_blocked(svc, [activity], on_creates)
    if failure is not None:
        raise failure


async def _replace_media(
    session: AsyncSession, post: Post, media: list[MediaAttachment]
) -> list[str]:
    """The same images keep their cached copies (alt text refreshed); others replace them.
    Returns the cached files no longer used."""
    existing = (await posts.media_of(session, [post.id]))[post.id]
    if [item.remote_url for item in existing] == [item.remote_url for item in media]:
        for old, new in zip(existing, media, strict=True):
            old.description, old.blurhash = new.description, new.blurhash or old.blurhash
        return []
    unused = await posts.remove_media(session, post.id)  # a copy made meanwhile among them
    for item in media:
        item.post_id = post.id
    session.add_all(media)
    await image_cache.enqueue(session, media)  # copies made by fedi.workers.images
    return unused
