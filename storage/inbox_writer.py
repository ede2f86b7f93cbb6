"""Group commit for the inbox: requests arriving together are stored in one transaction.

Each request still waits for its own row to be committed before answering 202, so nothing is
acknowledged that is not durable; under load, one commit covers many requests.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import inbox as inbox_rows
from storage.trouble import trouble

log = logging.getLogger(__name__)
MAX_BATCH = 256


class InboxWriter:
    """Collects received activities and writes them in batches."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._waiting: list[tuple[inbox_rows.Received, asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def store(self, item: inbox_rows.Received) -> bool:
        """Store one activity (False if its id was seen before); returns once committed."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let requests that arrived together join this batch
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                await self._write(batch)
            except Exception as exc:
                if trouble(exc) is not None:
                    # The database itself (read-only, full, unreachable): no row fares better
                    # alone, and every sender is told to try again later (fedi.federation.receive).
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                # One row that cannot be stored must not fail its neighbours: store them
                # one by one, so only its own sender hears of it.
                log.exception("storing %d inbox activities failed; one by one", len(batch))
                for item in batch:
                    try:
                        await self._write([item])
                    except Exception as exc:
                        if not item[1].done():
                            item[1].set_exception(exc)

    async def _write(self, batch: list[tuple[inbox_rows.Received, asyncio.Future[bool]]]) -> None:
        async with self._sessions.begin() as session:
            stored = await inbox_rows.record_many(session, [item for item, _ in batch])
        for (_, future), was_new in zip(batch, stored, strict=True):
            if not future.done():
                future.set_result(was_new)
