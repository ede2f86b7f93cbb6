"""A local user's timelines as plain records (the CLI prints them; the client API will serve
them as Mastodon statuses): home, local public and federated public."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import nh3
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.federation.as2.captions import handle_of
from storage import home_reads, posts, timelines
from storage.timelines import Entry

HOME, LOCAL, FEDERATED = "home", "local", "federated"
KINDS = (HOME, LOCAL, FEDERATED)


async def home(
    svc: Services,
    username: str,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first: own and followed accounts' posts, and boosts by either."""
    return await timeline(
        svc, username, HOME, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
    )


async def timeline(
    svc: Services,
    username: str,
    kind: str,
    *,
    limit: int = 20,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[dict[str, Any]]:
    """The user's home, local or federated timeline, newest first, as records."""
    async with svc.reads() as session:
        viewer = await acting_user(session, username)
        read = {HOME: home_reads.home, LOCAL: timelines.local, FEDERATED: timelines.federated}
        entries = await read[kind](
            session, viewer.id, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id
        )
        return await records(svc, session, entries)


async def records(
    svc: Services, session: AsyncSession, entries: Sequence[Entry]
) -> list[dict[str, Any]]:
    """Entries as records: the entry id, the post (id, author, text, images, when, the prompt
    of our own pictures, what it answers) and, for a boost, who boosted it and when."""
    media = await posts.media_of(session, list({entry.post.id for entry in entries}))
    host = svc.settings.instance.host
    return [
        {
            "id": str(entry.id),
            "post_id": str(entry.post.id),
            "uri": entry.post.uri,
            "url": entry.post.url,
            "account": handle_of(entry.author, host),
            "text": html.unescape(nh3.clean(entry.post.content_html, tags=set())).strip(),
            "images": [
                item.remote_url or svc.urls.media(item.file_name or "")
                for item in media[entry.post.id]
            ],
            "created_at": entry.post.published_at.isoformat(),
            "prompt": entry.post.prompt,
            "in_reply_to": entry.post.in_reply_to_uri,
            "boosted_by": handle_of(entry.booster, host) if entry.booster else None,
            "boosted_at": entry.boosted_at.isoformat() if entry.boosted_at else None,
        }
        for entry in entries
    ]
