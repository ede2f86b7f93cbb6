"""Queueing our activities for delivery (inside the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.urls import same_origin
from storage import deliveries
from storage.models import Account


async def queue(
    session: AsyncSession, author: Account, activity: dict[str, Any], inboxes: Iterable[str]
) -> int:
    """Store `activity` once and a pending delivery for each inbox; returns how many. An
    inbox on our own origin (the author's, as every author here is local) gets none: local
    users are told by the rows themselves, never by HTTP to ourselves, and a remote actor
    that names one of our inboxes as its own must not make us post to ourselves."""
    return await deliveries.enqueue(
        session,
        account_id=author.id,
        uri=activity["id"],
        activity_type=activity["type"],
        body=json.dumps(activity, separators=(",", ":")),
        inboxes=[inbox for inbox in inboxes if not same_origin(inbox, author.uri)],
    )
