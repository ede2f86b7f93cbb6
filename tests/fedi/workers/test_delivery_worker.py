"""The delivery worker in-process, against a fake peer: a POST that takes longer than its lease
is still sent once, not again by the same worker while it is in flight."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.workers.delivery import DeliveryWorker
from storage import deliveries
from tests.support.peer import Peer


async def _states(svc: Services) -> dict[str, int]:
    async with svc.reads() as session:
        return await deliveries.counts(session)


async def test_a_post_slower_than_its_lease_is_sent_once(svc: Services, remote: Peer) -> None:
    alice = await create_user(svc, "alice")
    async with svc.sessions.begin() as session:
        await deliveries.enqueue(
            session,
            account_id=alice.id,
            uri=f"{alice.uri}#create/1",
            activity_type="Create",
            body="{}",
            inboxes=[f"{remote.base}/inbox"],
        )
    remote.inbox_delay = 1.0
    worker = DeliveryWorker(svc)
    worker.lease = timedelta(seconds=0.2)  # runs out while the POST waits for its answer
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        for _ in range(100):
            if await _states(svc) == {"delivered": 1}:
                break
            await asyncio.sleep(0.1)
        assert await _states(svc) == {"delivered": 1}
    finally:
        stop.set()
        await running
    assert len(remote.received) == 1
