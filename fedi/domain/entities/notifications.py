"""The Notification entity, shaped as docs.joinmastodon.org/entities/Notification gives it.

Our kinds become Mastodon's types: a reply is a `mention` (Mastodon tells the replied-to
author through the mention every reply carries), a boost a `reblog`, a like a `favourite`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fedi.core.services import Services
from fedi.domain.entities.accounts import accounts
from fedi.domain.entities.formats import timestamp
from fedi.domain.entities.statuses import statuses
from storage import notifications as kinds
from storage.models import Account
from storage.notification_pages import Notice
from storage.timelines import Entry

TYPES = {
    kinds.FOLLOW: "follow",
    kinds.FOLLOW_REQUEST: "follow_request",
    kinds.MENTION: "mention",
    kinds.REPLY: "mention",
    kinds.BOOST: "reblog",
    kinds.LIKE: "favourite",
}


def kinds_of(types: Sequence[str]) -> list[str]:
    """Our kinds for Mastodon's type names (types we never send match nothing)."""
    return [kind for kind, name in TYPES.items() if name in types]


async def notifications(
    svc: Services, viewer: Account, notices: Sequence[Notice]
) -> list[dict[str, Any]]:
    """Notification entities, each with who caused it and, where there is one, the status."""
    senders = await accounts(svc, list({n.sender.id: n.sender for n in notices}.values()))
    by_id = {int(entity["id"]): entity for entity in senders}
    entries = [
        Entry(n.post.id, n.post, n.author)
        for n in notices
        if n.post is not None and n.author is not None
    ]
    posts = {int(entity["id"]): entity for entity in await statuses(svc, viewer, entries)}
    found = []
    for notice in notices:
        row = notice.notification
        entity: dict[str, Any] = {
            "id": str(row.id),
            "type": TYPES.get(row.kind, row.kind),
            "created_at": timestamp(row.created_at),
            "account": by_id[notice.sender.id],
        }
        if notice.post is not None and notice.post.id in posts:
            entity["status"] = posts[notice.post.id]
        found.append(entity)
    return found
