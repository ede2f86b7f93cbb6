"""Queueing our activities for delivery (inside the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub import objects
from storage import deliveries
from storage.ids import new_id
from storage.models import Account

if TYPE_CHECKING:
    from .services import Services


async def queue(
    session: AsyncSession, author: Account, activity: dict[str, Any], inboxes: Iterable[str]
) -> int:
    """Store `activity` once and a pending delivery for each inbox; returns how many."""
    return await deliveries.enqueue(
        session,
        account_id=author.id,
        uri=activity["id"],
        activity_type=activity["type"],
        body=json.dumps(activity, separators=(",", ":")),
        inboxes=inboxes,
    )


def undo_activity(
    svc: Services,
    username: str,
    actor: Account,
    activity: dict[str, Any],
    *,
    to: Sequence[str] = (),
) -> dict[str, Any]:
    """Undo(activity) by a local user, under a fresh activity id of ours."""
    activity_id = svc.urls.activity(username, "undo", new_id())
    return objects.activity("Undo", activity_id, actor.uri, activity, to=to)
