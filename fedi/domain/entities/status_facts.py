"""Everything a page of Status entities shows beyond the post rows, read for the whole page in
one statement (storage.status_facts): the authors' and boosters' Account entities, pictures,
mentions, hashtags, counts, the posts answered, and what the viewer did to each post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain.entities.accounts import NO_COUNTS, account
from storage import status_facts
from storage.status_facts import Mentioned, Picture
from storage.timelines import Entry


@dataclass(frozen=True)
class StatusFacts:
    """What the statuses of a page need, by post id (or uri, or account id)."""

    viewer_id: int | None = None
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)  # entity by account id
    media: dict[int, list[Picture]] = field(default_factory=dict)
    mentions: dict[int, list[Mentioned]] = field(default_factory=dict)
    hashtags: dict[int, list[str]] = field(default_factory=dict)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # likes and boosts
    replies: dict[str, int] = field(default_factory=dict)  # by the post's uri
    parents: dict[str, tuple[int, int]] = field(default_factory=dict)  # uri: (id, author id)
    mine: dict[int, set[str]] = field(default_factory=dict)  # the viewer's reactions
    bookmarked: set[int] = field(default_factory=set)  # posts the viewer bookmarked
    boost_uris: dict[int, str] = field(default_factory=dict)  # Announce id by boost id


async def gather(
    svc: Services,
    viewer_id: int | None,
    entries: Sequence[Entry],
    session: AsyncSession | None = None,
) -> StatusFacts:
    """The facts of these entries (posts and boosts), as `viewer_id` sees them, read in one
    statement in `session` (else a read session of its own)."""
    if session is None:
        async with svc.reads() as own:
            return await gather(svc, viewer_id, entries, own)
    people_of = {entry.author.id: entry.author for entry in entries}
    people_of.update({entry.booster.id: entry.booster for entry in entries if entry.booster})
    keyed = await status_facts.page_facts(
        session,
        viewer_id,
        post_ids=[entry.post.id for entry in entries],
        uris=[entry.post.uri for entry in entries],
        answered=[entry.post.in_reply_to_uri for entry in entries if entry.post.in_reply_to_uri],
        boost_ids=[entry.id for entry in entries if entry.booster is not None],
        account_ids=list(people_of),
    )
    return StatusFacts(
        viewer_id=viewer_id,
        accounts={
            key: account(svc, row, keyed.people.get(key, NO_COUNTS))
            for key, row in people_of.items()
        },
        media=keyed.media,
        mentions=keyed.mentions,
        hashtags=keyed.hashtags,
        counts=keyed.counts,
        replies=keyed.replies,
        parents=keyed.parents,
        mine=keyed.mine,
        bookmarked=keyed.bookmarked,
        boost_uris=keyed.boost_uris,
    )
