"""The durable delivery queue: one row per (activity, inbox), claimed by workers with a lease."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .ids import new_id
from .leases import PENDING as PENDING  # re-exported: a delivery state too
from .leases import lease_due
from .timeutil import utcnow
from .work_models import Delivery, OutboundActivity

DELIVERED, FAILED = "delivered", "failed"  # and PENDING, which storage.leases takes


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to this worker, with what it needs to send it."""

    id: int
    inbox_url: str
    attempts: int
    account_id: int
    body: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one attempt: delivered, retry at `retry_at`, or failed for good."""

    id: int
    state: str
    status: int | None = None
    error: str | None = None
    retry_at: datetime | None = None


async def enqueue(
    session: AsyncSession,
    *,
    account_id: int,
    uri: str,
    activity_type: str,
    body: str,
    inboxes: Iterable[str],
) -> int:
    """Store an outbound activity and one pending delivery per inbox; the caller commits."""
    activity = OutboundActivity(
        account_id=account_id, uri=uri, activity_type=activity_type, body=body
    )
    session.add(activity)
    await session.flush()
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "activity_id": activity.id,
            "inbox_url": inbox,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for inbox in dict.fromkeys(inboxes)
    ]
    if rows:
        await session.execute(insert(Delivery), rows)
    return len(rows)


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    *,
    limit: int,
    lease: timedelta,
    held: Collection[int] = (),
) -> list[Claimed]:
    """Lease up to `limit` due deliveries to the caller (SKIP LOCKED on PostgreSQL), none of
    those it still `held`."""
    async with sessions.begin() as session:
        ids = await lease_due(session, Delivery, limit=limit, lease=lease, held=held)
        if not ids:
            return []
        stmt = (
            select(
                Delivery.id,
                Delivery.inbox_url,
                Delivery.attempts,
                OutboundActivity.account_id,
                OutboundActivity.body,
            )
            .join(OutboundActivity, OutboundActivity.id == Delivery.activity_id)
            .where(Delivery.id.in_(ids))
        )
        return [Claimed(*row) for row in (await session.execute(stmt)).all()]


async def record(sessions: async_sessionmaker[AsyncSession], outcomes: Sequence[Outcome]) -> None:
    """Write the outcomes of a batch of attempts in one transaction, releasing their leases."""
    if not outcomes:
        return
    now = utcnow()
    groups: dict[tuple[str, int | None, str | None, datetime | None], list[int]] = {}
    for outcome in outcomes:  # most outcomes of a batch are alike: one UPDATE per kind
        key = (outcome.state, outcome.status, outcome.error, outcome.retry_at)
        groups.setdefault(key, []).append(outcome.id)
    async with sessions.begin() as session:
        for (state, status, error, retry_at), ids in groups.items():
            values: dict[str, object] = {
                "state": state,
                "attempts": Delivery.attempts + 1,
                "locked_until": None,
                "last_status": status,
                "last_error": error,
            }
            if state == DELIVERED:
                values["delivered_at"] = now
            if retry_at is not None:
                values["next_attempt_at"] = retry_at
            for start in range(0, len(ids), 500):  # keep each IN list modest
                chunk = ids[start : start + 500]
                await session.execute(update(Delivery).where(Delivery.id.in_(chunk)).values(values))


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending delivery is due (None when the queue is empty)."""
    stmt = select(func.min(Delivery.next_attempt_at)).where(Delivery.state == PENDING)
    value = (await session.execute(stmt)).scalar_one_or_none()
    return value


async def counts(session: AsyncSession) -> dict[str, int]:
    """Number of deliveries in each state."""
    stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
    return {state: int(n) for state, n in (await session.execute(stmt)).all()}


async def activity_by_uri(session: AsyncSession, uri: str) -> OutboundActivity | None:
    """An outbound activity by its id (to serve it when dereferenced)."""
    stmt = select(OutboundActivity).where(OutboundActivity.uri == uri)
    return (await session.execute(stmt)).scalar_one_or_none()


async def inboxes_of(session: AsyncSession, uri: str) -> list[str]:
    """The inboxes an outbound activity was queued for (who must hear of its Update or Delete)."""
    stmt = (
        select(Delivery.inbox_url)
        .join(OutboundActivity, OutboundActivity.id == Delivery.activity_id)
        .where(OutboundActivity.uri == uri)
        .distinct()
    )
    return sorted((await session.execute(stmt)).scalars())
