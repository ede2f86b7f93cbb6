"""Posts from other servers: accepted when relevant, sanitised, and their images cached."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import exists, select

from activitypub.activities import Activity, ActivityError, RemoteNote, parse_note
from activitypub.http import FetchError
from activitypub.urls import ids_equal, same_origin
from storage import posts
from storage.models import Account, Follow, MediaAttachment, Post

from .media import MediaError, process_image
from .media_store import new_file_name, write_file
from .remote import get_actor
from .sanitize import clean_html
from .services import Services

log = logging.getLogger(__name__)


async def _object_of(svc: Services, activity: Activity) -> dict[str, Any]:
    """The Create's object; re-fetched from its origin unless the actor's server vouches for it."""
    if (
        activity.object is not None
        and activity.object_id is not None
        and same_origin(activity.object_id, activity.actor)
    ):
        return dict(activity.object)
    if activity.object_id is None:
        raise ActivityError("Create without an object id")
    return await svc.http.get_json(activity.object_id, signer=await svc.instance_signer())


async def _is_relevant(svc: Services, note: RemoteNote, author: Account) -> bool:
    """Mastodon's rule: keep posts from followed accounts, replies to us and mentions of us."""
    base = svc.urls.base
    if note.in_reply_to and same_origin(note.in_reply_to, base):
        return True
    if any(same_origin(href, base) for href in note.mentions):
        return True
    async with svc.reads() as session:
        followed = (
            select(Follow.id)
            .join(Account, Account.id == Follow.follower_id)
            .where(
                Follow.target_id == author.id, Follow.state == "accepted", Account.domain.is_(None)
            )
        )
        return bool((await session.execute(select(exists(followed)))).scalar())


async def on_create(svc: Services, activity: Activity) -> Post | None:
    """Store a remote note (idempotent), then cache its images."""
    note = parse_note(await _object_of(svc, activity))
    if not ids_equal(note.attributed_to, activity.actor):
        raise ActivityError("the Create's actor is not the object's author")
    author = await get_actor(svc, note.attributed_to)
    if not await _is_relevant(svc, note, author):
        return None
    async with svc.sessions.begin() as session:
        if await posts.by_uri(session, note.id) is not None:
            return None
        post = Post(
            uri=note.id,
            url=note.url,
            account_id=author.id,
            local=False,
            visibility="public" if _is_public(note) else "unlisted",
            content_html=clean_html(note.content_html),
            spoiler_text=note.summary or "",
            sensitive=note.sensitive,
            in_reply_to_uri=note.in_reply_to,
        )
        if note.published is not None:
            post.published_at = note.published
        session.add(post)
        await session.flush()
        media = [
            MediaAttachment(
                post_id=post.id,
                account_id=author.id,
                position=index,
                remote_url=image.url,
                media_type=image.media_type,
                width=image.width,
                height=image.height,
                blurhash=image.blurhash,
                description=image.description[:1500],
            )
            for index, image in enumerate(note.images)
        ]
        session.add_all(media)
    for item in media:
        await _cache_image(svc, item)
    return post


def _is_public(note: RemoteNote) -> bool:
    public = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")
    return any(target in public for target in note.to + note.cc)


async def _cache_image(svc: Services, media: MediaAttachment) -> None:
    """Fetch a remote image, check and re-encode it, and keep a local copy."""
    assert media.remote_url is not None
    cfg = svc.settings.media
    try:
        response = await svc.http.get_bytes(
            media.remote_url, max_bytes=cfg.max_bytes, accept="image/*"
        )
        processed = await asyncio.to_thread(
            process_image,
            response.body,
            provenance=None,
            max_bytes=cfg.max_bytes,
            max_pixels=cfg.max_pixels,
            output_format=cfg.format,
        )
    except (FetchError, MediaError) as exc:
        log.info("remote image %s not cached: %s", media.remote_url, exc)
        return
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    async with svc.sessions.begin() as session:
        row = await session.get(MediaAttachment, media.id)
        if row is not None:
            row.file_name, row.file_size = file_name, len(processed.data)
            row.width, row.height = processed.width, processed.height
            row.blurhash = row.blurhash or processed.blurhash
