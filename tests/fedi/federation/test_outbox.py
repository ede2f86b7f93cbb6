"""Queueing our activities: never a delivery to our own address."""

from __future__ import annotations

from sqlalchemy import select

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.federation.outbox import queue
from storage.models import Delivery


async def test_inboxes_on_our_own_origin_get_no_delivery(svc: Services) -> None:
    """A local recipient is told by the rows themselves; an inbox of ours that a remote actor
    gave as its own is not posted to either."""
    alice = await create_user(svc, "alice")
    base = svc.urls.base
    ours = [f"{base}/users/zed/inbox", f"{base}/inbox", base.upper() + "/inbox"]
    activity = {"id": f"{base}/users/alice/activities/like/1", "type": "Like"}
    async with svc.sessions.begin() as session:
        count = await queue(session, alice, activity, [*ours, "https://remote.example/inbox"])
    assert count == 1
    async with svc.reads() as session:
        inboxes = list((await session.execute(select(Delivery.inbox_url))).scalars())
    assert inboxes == ["https://remote.example/inbox"]
