"""A post's page, for a local post (/@user/<id>) and a remote one (/posts/<id>) alike: the
picture, its provenance, counts, the viewer's buttons, and the thread around it, showing only
what the viewer may see (visitors: public and unlisted; blocks respected)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from quart import render_template

from fedi.core.services import Services
from fedi.domain import composing, status_reads
from fedi.domain.entities import statuses
from fedi.domain.entities.accounts import avatar_url
from fedi.domain.threads import Thread
from fedi.federation.as2.captions import stored_html
from fedi.federation.as2.notes import tags_of
from fedi.media.c2pa import carries_credentials
from fedi.web.pages.items import post_path
from storage import posts
from storage.models import Account, MediaAttachment, Post
from storage.timelines import Entry


def author_path(author: Account) -> str:
    """An account's page here: /@user, or /@user@host for a remote one."""
    return f"/@{quote(_handle(author), safe='@')}"


def _handle(author: Account) -> str:
    return author.username if author.domain is None else f"{author.username}@{author.domain}"


@dataclass(frozen=True)
class Shown:
    """One post of the page (the post itself or one in its thread), ready to render."""

    post: Post
    author: Account
    media: list[MediaAttachment]
    html: Markup
    path: str
    author_path: str
    avatar: str | None  # an avatar we serve ourselves (a remote one's copy made here)
    handle: str


async def _shown(svc: Services, entries: list[Entry]) -> list[Shown]:
    ids = [entry.post.id for entry in entries]
    async with svc.reads() as session:
        media = await posts.media_of(session, ids)
        tags = await tags_of(session, [entry.post.id for entry in entries if entry.post.local])
    host = svc.settings.instance.host
    result = []
    for entry in entries:
        post, author = entry.post, entry.author
        if post.local:  # the caption as it federated: tags, mentions and links, the rest escaped
            html = stored_html(
                post.caption,
                tags[post.id].mentions,
                tags_base=f"{svc.urls.base}/tags",
                local_host=host,
            )
        else:  # remote HTML was sanitised on arrival (fedi.federation.sanitize)
            html = post.content_html
        handle = _handle(author)
        result.append(
            Shown(
                post=post,
                author=author,
                media=list(media.get(post.id, [])),
                html=Markup(html),  # noqa: S704 - escaped or sanitised, as said above
                path=post_path(post, author),
                author_path=author_path(author),
                avatar=avatar_url(svc, author),
                handle=f"@{handle}" if author.domain else f"@{handle}@{host}",
            )
        )
    return result


@dataclass(frozen=True)
class RemixShown:
    """One remix listed under a post: its page here, a few words of it, its author's handle."""

    path: str
    label: str
    handle: str


async def _remixes(svc: Services, post: Post, viewer: Account | None) -> list[RemixShown]:
    """The post's remixes the viewer may read, local or from other servers, each linking its
    page here (/posts/<id> for a remote one)."""
    found = await composing.remixes(svc, post, viewer)
    return [
        RemixShown(
            path=post_path(remix, author),
            label=remix.caption or composing.prompt_of(remix) or "A remix",
            handle=f"@{_handle(author)}",
        )
        for remix, author in found
    ]


async def _credentials(svc: Services, media: list[MediaAttachment]) -> bool:
    """Whether the post's stored picture carries C2PA Content Credentials."""
    files = [str(svc.media_dir / item.file_name) for item in media if item.file_name]
    found = [await asyncio.to_thread(carries_credentials, path) for path in files]
    return any(found)


async def render(svc: Services, viewer: Account | None, found: Thread, **reply: str | None) -> str:
    """The page of the thread's post, as `viewer` (None: a visitor) may see it; `reply`
    gives back a refused reply (reply_error, reply_text, reply_prompt)."""
    every = await _shown(svc, [*found.ancestors, found.post, *found.descendants])
    above = len(found.ancestors)
    itself = every[above]
    status: dict[str, Any] = await statuses.one_status(svc, viewer, found.post)
    own = viewer is not None and viewer.id == itself.author.id
    return await render_template(
        "post.html",
        account=itself.author,
        post=itself.post,
        media=itself.media,
        caption_html=itself.html,
        shown=itself,
        status=status,
        own=own,
        credentials=await _credentials(svc, itself.media),
        prompt=composing.prompt_of(itself.post),  # ours, or another Impasto's "Prompt:" line
        remixes=await _remixes(svc, itself.post, viewer),
        ancestors=every[:above],
        descendants=every[above + 1 :],
        viewer=viewer,
        urls=svc.urls,
        settings=svc.settings,
        **{"reply_error": None, "reply_text": "", "reply_prompt": "", **reply},
    )


async def thread_of(svc: Services, viewer: Account | None, post_id: int) -> Thread:
    """The thread around the post, as the viewer may see it (RecordNotFound otherwise)."""
    return await status_reads.context(svc, viewer, post_id)
