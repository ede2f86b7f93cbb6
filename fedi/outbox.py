"""Queueing our activities for delivery (inside the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import deliveries
from storage.models import Account


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
