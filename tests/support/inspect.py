"""Reading a test instance's database from the test process."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.core.settings import load_settings
from storage.models import Delivery, InboxActivity

from .peer import PeerActor, deliver
from .servers import Server, wait_for

T = TypeVar("T")


def query(config: Path, work: Callable[[AsyncSession], Awaitable[T]], *, write: bool = False) -> T:
    """Run `work` in a session on the instance's database and return its result. A read
    session unless `write` (a write one holds SQLite's write lock, which the running server
    needs: polling with it would slow the server down)."""

    async def run() -> T:
        svc = Services.create(load_settings(config))
        try:
            async with (svc.sessions if write else svc.reads)() as session:
                return await work(session)
        finally:
            await svc.close()

    return asyncio.run(run())


def handled(config: Path, activity_id: str) -> str | None:
    """How the instance's inbox worker dealt with an activity ("done" or "failed"); None
    while it has not."""

    async def read(session: AsyncSession) -> str | None:
        state = await session.scalar(
            select(InboxActivity.state).where(InboxActivity.uri == activity_id)
        )
        return None if state in (None, "pending") else str(state)

    return query(config, read)


async def deliver_handled(server: Server, actor: PeerActor, doc: dict[str, Any]) -> str:
    """Deliver `doc` to the server's shared inbox (accepted: 202), wait until the inbox
    worker has dealt with it, and say how ("done", or "failed" with a reason recorded)."""
    assert await deliver(actor, f"{server.base}/inbox", doc) == 202
    state: str = await asyncio.to_thread(wait_for, lambda: handled(server.config, doc["id"]))
    return state


def creates_done(config: Path) -> int:
    """How many received Creates the instance's inbox worker has handled."""

    async def read(session: AsyncSession) -> int:
        stmt = select(func.count()).where(
            InboxActivity.activity_type == "Create", InboxActivity.state == "done"
        )
        return int((await session.execute(stmt)).scalar_one())

    return query(config, read)


def delivery_states(config: Path) -> list[str]:
    """The state of each of the instance's outbound deliveries."""

    async def read(session: AsyncSession) -> list[str]:
        return list((await session.execute(select(Delivery.state))).scalars())

    return query(config, read)
