"""A local user's home timeline as plain records (the CLI prints them; the client API will
serve them as Mastodon statuses)."""

from __future__ import annotations

import html
from typing import Any

import nh3

from storage import posts, timelines

from .accounts import local_or_error
from .services import Services


async def home(
    svc: Services, username: str, *, limit: int = 20, max_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first: id, author, text, images, when, and the prompt for our own pictures."""
    async with svc.reads() as session:
        account = await local_or_error(session, username)
        rows = await timelines.home(session, account.id, limit=limit, max_id=max_id)
        media = await posts.media_of(session, [post.id for post, _ in rows])
    host = svc.settings.instance.host
    return [
        {
            "id": str(post.id),
            "uri": post.uri,
            "url": post.url,
            "account": f"{author.username}@{author.domain or host}",
            "text": html.unescape(nh3.clean(post.content_html, tags=set())).strip(),
            "images": [
                item.remote_url or svc.urls.media(item.file_name or "") for item in media[post.id]
            ],
            "created_at": post.published_at.isoformat(),
            "prompt": post.prompt,
        }
        for post, author in rows
    ]
