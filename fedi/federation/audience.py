"""Whose inboxes a local post goes to, by its visibility (as Mastodon delivers a status):
followers' inboxes for every visibility but direct, and the remote accounts it mentions. A
direct post goes to the personal inboxes of those it mentions and nowhere else, so no shared
inbox of a server hears of it unless one of its accounts is addressed. A public or unlisted
remix also goes to the server of the post it remixes, which lists it among that post's remixes
(fedi.domain.remote_posts.mark_remixes)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from storage import follows, remixes
from storage.models import Account

# Mastodon's four: public, unlisted (not in public timelines), private (followers only) and
# direct (only those mentioned).
VISIBILITIES = ("public", "unlisted", "private", "direct")


async def post_inboxes(
    session: AsyncSession,
    author_id: int,
    visibility: str,
    mentions: Iterable[Account],
    remix_of: str | None = None,
) -> list[str]:
    """The inboxes a post of `author_id` with this visibility and these mentions (remixing
    the post `remix_of`, if it is a remix) goes to."""
    direct = visibility == "direct"
    inboxes = set() if direct else set(await follows.follower_inboxes(session, author_id))
    inboxes.update(
        account.inbox_url if direct else account.shared_inbox_url or account.inbox_url
        for account in mentions
        if account.domain is not None
    )
    if remix_of is not None and visibility in ("public", "unlisted"):
        source = await remixes.source_author(session, remix_of)
        if source is not None and source.domain is not None:
            inboxes.add(source.shared_inbox_url or source.inbox_url)
    return sorted(inboxes)
