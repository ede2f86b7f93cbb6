"""The delivery worker: claims queued deliveries, signs and POSTs them, records the outcome."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from activitypub.delivery import Verdict, judge_status, judge_transient
from activitypub.http import BlockedAddress, FetchError
from fedi.core.services import Services
from httpcommon import parse_retry_after
from storage import deliveries
from storage.models import Account
from storage.timeutil import utcnow

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 0.05


class BlockedDomain(Exception):
    """The inbox is on a server the admin blocked: final, never sent."""


class DeliveryWorker:
    """Keeps up to `delivery_concurrency` POSTs in flight; outcomes are written in batches."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        fed = svc.settings.federation
        self.concurrency = fed.delivery_concurrency
        self.lease = timedelta(seconds=fed.delivery_lease)
        self.max_attempts = fed.delivery_max_attempts
        self.delay_factor = fed.retry_delay_factor
        self._outcomes: list[deliveries.Outcome] = []
        self._authors: dict[int, asyncio.Future[Account]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Claimed and not yet recorded: a POST slower than the lease must not be claimed (and
        # sent) again by this worker while it is still in flight.
        self._held: set[int] = set()
        self._slots = asyncio.Semaphore(self.concurrency)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then finish what is in flight."""
        flusher = asyncio.create_task(self._flush_loop(stop))
        try:
            while not stop.is_set():
                if not await self._claim_and_send():
                    await self._idle(stop)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await flusher
            await self._flush()

    async def _claim_and_send(self) -> bool:
        # Keep up to two batches' worth claimed: `concurrency` POSTs run, the rest wait their
        # turn. Claiming in large batches keeps the queue's transactions few.
        room = 2 * self.concurrency - len(self._tasks)
        if room < self.concurrency // 2:
            await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)
            return True
        try:
            batch = await deliveries.claim(
                self.svc.sessions, limit=room, lease=self.lease, held=self._held
            )
        except Exception:
            log.exception("claiming deliveries failed")
            return False
        self._held.update(item.id for item in batch)
        for item in batch:
            task = asyncio.create_task(self._send(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return bool(batch)

    async def _idle(self, stop: asyncio.Event) -> None:
        self.svc.delivery_wakeup.clear()
        waiters = [
            asyncio.ensure_future(self.svc.delivery_wakeup.wait()),
            asyncio.ensure_future(stop.wait()),
        ]
        await asyncio.wait(
            waiters,
            timeout=self.svc.settings.federation.delivery_poll_interval,
            return_when=asyncio.FIRST_COMPLETED,
        )
        for waiter in waiters:
            waiter.cancel()

    async def _author(self, account_id: int) -> Account:
        # One lookup per author, shared by every delivery of the batch that starts together.
        author = self._authors.get(account_id)
        if author is None or (author.done() and author.exception() is not None):
            author = self._authors[account_id] = asyncio.ensure_future(self._load(account_id))
        return await asyncio.shield(author)

    async def _load(self, account_id: int) -> Account:
        async with self.svc.reads() as session:
            author = await session.get(Account, account_id)
        if author is None:
            raise LookupError(f"author {account_id} of a queued delivery is gone")
        self.svc.signer(author)  # load the private key once, before the POSTs fan out
        return author

    async def _send(self, item: deliveries.Claimed) -> None:
        async with self._slots:
            outcome = await self._attempt(item)
        self._outcomes.append(outcome)

    async def _attempt(self, item: deliveries.Claimed) -> deliveries.Outcome:
        attempt = item.attempts + 1
        try:
            if await self.svc.domain_blocked(urlsplit(item.inbox_url).netloc):
                raise BlockedDomain(f"{urlsplit(item.inbox_url).netloc} is blocked here")
            signer = self.svc.signer(await self._author(item.account_id))
            response = await self.svc.http.post(item.inbox_url, item.body.encode(), signer=signer)
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            verdict = judge_status(response.status, attempt, retry_after, self.max_attempts)
            status: int | None = response.status
        except (BlockedAddress, BlockedDomain, LookupError) as exc:  # LookupError: author gone
            verdict, status = Verdict("failed", reason=str(exc)), None
        except FetchError as exc:
            verdict, status = judge_transient(str(exc), attempt, None, self.max_attempts), None
        except Exception as exc:  # a bug must not kill the worker; the row is retried
            log.exception("delivery %s crashed", item.id)
            verdict, status = judge_transient(repr(exc), attempt, None, self.max_attempts), None
        return _outcome(item.id, verdict, status, self.delay_factor)

    async def _flush_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set() or self._tasks:
            await asyncio.sleep(FLUSH_INTERVAL)
            await self._flush()

    async def _flush(self) -> None:
        batch, self._outcomes = self._outcomes, []
        try:
            await deliveries.record(self.svc.sessions, batch)
        except Exception:
            log.exception(
                "recording %d delivery outcomes failed; their leases will expire", len(batch)
            )
        finally:
            self._held.difference_update(outcome.id for outcome in batch)


def _outcome(
    delivery_id: int, verdict: Verdict, status: int | None, delay_factor: float
) -> deliveries.Outcome:
    if verdict.action == "delivered":
        return deliveries.Outcome(delivery_id, deliveries.DELIVERED, status)
    if verdict.action == "failed":
        return deliveries.Outcome(delivery_id, deliveries.FAILED, status, verdict.reason)
    return deliveries.Outcome(
        delivery_id,
        deliveries.PENDING,
        status,
        verdict.reason,
        retry_at=utcnow() + timedelta(seconds=verdict.delay),
    )
