"""Generation rows: progress of each image request, rate-limit and quota counts, the run slots.

Admission (a quota checked, then the row inserted) and taking a slot (the running ones counted,
then one more started) are each a read followed by a write that must not interleave with
another process's. Both run inside one write transaction serialised against every other
admission and start: on SQLite by the single write lock that storage.db's BEGIN IMMEDIATE takes
before the first read; on PostgreSQL, whose READ COMMITTED lets two such transactions read the
same count, by a transaction-scoped advisory lock taken first (`_serialise`). A lock rather
than a conditional INSERT … SELECT, which PostgreSQL would run on two snapshots just the same;
an advisory lock rather than a locked row, so there is no row to seed and no unrelated writer
(to accounts, say) waits on it. Admissions are a few per second at most, each lock held for
milliseconds.

A running generation holds its slot by a lease (`locked_until`) that its process renews; a
process that dies without a word frees the slot when the lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from .rows import rowcount
from .timeutil import utcnow
from .work_models import Generation

QUEUED, GENERATING, PROCESSING, DONE, FAILED = (
    "queued",
    "generating",
    "processing",
    "done",
    "failed",
)
RUNNING = (GENERATING, PROCESSING)
# The PostgreSQL advisory lock key that serialises admissions and starts: any constant no
# other code locks ("impasto" in ASCII).
_ADMISSIONS_LOCK = 0x696D7061_73746F


@dataclass(frozen=True)
class Quota:
    """At most `limit` generations per account started within `window`."""

    limit: int
    window: timedelta


class OverQuota(Exception):
    """A generation refused by a quota: how many were started in its window, the oldest when."""

    def __init__(self, quota: Quota, count: int, oldest: datetime | None) -> None:
        super().__init__(f"{count} generations in {quota.window}, the limit is {quota.limit}")
        self.quota, self.count, self.oldest = quota, count, oldest


async def _serialise(session: AsyncSession) -> None:
    """Wait until no other transaction admits or starts a generation, and keep it so until
    this one ends (see the module's docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_ADMISSIONS_LOCK)))


async def started_since(
    session: AsyncSession, account_id: int, since: datetime
) -> tuple[int, datetime | None]:
    """How many generations the account asked for since `since`, and the oldest of them."""
    stmt = select(func.count(), func.min(Generation.created_at)).where(
        Generation.account_id == account_id, Generation.created_at >= since
    )
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


@dataclass(frozen=True)
class Options:
    """What a request through the API asks besides the prompt (`aspect_ratio` set marks one)."""

    aspect_ratio: str
    negative_prompt: str | None = None
    seed: int | None = None


async def add(
    session: AsyncSession,
    account_id: int,
    prompt: str,
    backend: str,
    options: Options | None = None,
    model_key: str | None = None,
) -> Generation:
    """A new queued generation, whatever the quotas say."""
    row = Generation(
        account_id=account_id, prompt=prompt, backend=backend, model_key=model_key, state=QUEUED
    )
    if options is not None:
        row.aspect_ratio = options.aspect_ratio
        row.negative_prompt = options.negative_prompt
        row.seed = options.seed
    session.add(row)
    await session.flush()
    return row


async def add_within(
    session: AsyncSession,
    account_id: int,
    prompt: str,
    backend: str,
    quotas: Sequence[Quota],
    options: Options | None = None,
    model_key: str | None = None,
) -> Generation:
    """A new queued generation if every quota allows one more; OverQuota names the first
    that does not. Check and insert are atomic across processes (see the module)."""
    await _serialise(session)
    now = utcnow()
    for quota in quotas:
        count, oldest = await started_since(session, account_id, now - quota.window)
        if count >= quota.limit:
            raise OverQuota(quota, count, oldest)
    return await add(session, account_id, prompt, backend, options, model_key)


async def try_start(
    session: AsyncSession, generation_id: int, limit: int, stale: float, lease: float
) -> bool:
    """Move a queued generation to `generating`, holding a slot for `lease` seconds, if fewer
    than `limit` hold one; atomic across processes (see the module).

    A run holds its slot while its lease lasts and it started less than `stale` seconds ago:
    a run stuck that long, even in a live process, no longer keeps others waiting.
    """
    await _serialise(session)
    now = utcnow()
    stmt = (
        update(Generation)
        .where(
            Generation.id == generation_id, Generation.state == QUEUED, _held(now, stale) < limit
        )
        .values(state=GENERATING, started_at=now, locked_until=now + timedelta(seconds=lease))
    )
    return bool(rowcount(await session.execute(stmt)))


def _held(now: datetime, stale: float) -> ScalarSelect[int]:
    """How many slots are held at `now` (a scalar subquery)."""
    return (
        select(func.count())
        .where(
            Generation.state.in_(RUNNING),
            Generation.locked_until > now,
            Generation.started_at > now - timedelta(seconds=stale),
        )
        .scalar_subquery()
    )


async def renew(session: AsyncSession, generation_id: int, lease: float) -> bool:
    """Hold a running generation's slot `lease` seconds from now; False once it has ended."""
    stmt = (
        update(Generation)
        .where(Generation.id == generation_id, Generation.state.in_(RUNNING))
        .values(locked_until=utcnow() + timedelta(seconds=lease))
    )
    return bool(rowcount(await session.execute(stmt)))


async def release(session: AsyncSession, generation_id: int, reason: str) -> bool:
    """Fail a generation that has not ended, freeing its slot; False if it had ended (its
    outcome, and the reason it failed, stand)."""
    stmt = (
        update(Generation)
        .where(Generation.id == generation_id, Generation.state.not_in((DONE, FAILED)))
        .values(state=FAILED, reason=reason, finished_at=utcnow(), locked_until=None)
    )
    return bool(rowcount(await session.execute(stmt)))


async def set_state(
    session: AsyncSession,
    generation_id: int,
    state: str,
    *,
    reason: str | None = None,
    model: str | None = None,
    post_id: int | None = None,
    media_id: int | None = None,
) -> None:
    """Record progress; `done` and `failed` also stamp the finishing time and free the slot."""
    values: dict[str, object] = {"state": state}
    if media_id is not None:
        values["media_id"] = media_id
    if reason is not None:
        values["reason"] = reason
    if model is not None:
        values["model"] = model
    if post_id is not None:
        values["post_id"] = post_id
    if state in (DONE, FAILED):
        values["finished_at"] = utcnow()
        values["locked_until"] = None
    await session.execute(update(Generation).where(Generation.id == generation_id).values(values))


async def state_of(session: AsyncSession, generation_id: int) -> str | None:
    """Where a generation is (None: there is no such generation)."""
    return await session.scalar(select(Generation.state).where(Generation.id == generation_id))


async def owned(session: AsyncSession, account_id: int, generation_id: int) -> Generation | None:
    """The account's generation, or None (none by that id, or someone else's)."""
    row = await session.get(Generation, generation_id)
    return row if row is not None and row.account_id == account_id else None


async def fail_abandoned(session: AsyncSession, before: datetime, reason: str) -> int:
    """Fail the API's generations asked before `before` that have not ended and whose slot no
    live process holds (a server that stopped mid-way cannot finish them); how many."""
    now = utcnow()
    stmt = (
        update(Generation)
        .where(
            Generation.aspect_ratio.is_not(None),
            Generation.state.not_in((DONE, FAILED)),
            Generation.created_at < before,
            (Generation.locked_until.is_(None)) | (Generation.locked_until <= now),
        )
        .values(state=FAILED, reason=reason, finished_at=now, locked_until=None)
    )
    return rowcount(await session.execute(stmt))


async def model_key_of(session: AsyncSession, generation_id: int) -> str | None:
    """The key of the model a generation was asked of (None: from before there were several,
    or no such generation)."""
    stmt = select(Generation.model_key).where(Generation.id == generation_id)
    return await session.scalar(stmt)
