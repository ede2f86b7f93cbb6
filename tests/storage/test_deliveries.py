"""The delivery queue: enqueue once per inbox, lease, release, retry, and survive a crash."""

from __future__ import annotations

from datetime import timedelta

from fedi.core.services import Services
from storage import deliveries
from storage.models import Account
from storage.timeutil import utcnow


async def _author(svc: Services) -> Account:
    async with svc.sessions.begin() as session:
        account = Account(
            uri="http://127.0.0.1/users/a",
            username="a",
            domain=None,
            inbox_url="http://127.0.0.1/users/a/inbox",
            public_key_id="k",
            public_key_pem="pem",
        )
        session.add(account)
    return account


async def _enqueue(svc: Services, author: Account, inboxes: list[str]) -> int:
    async with svc.sessions.begin() as session:
        return await deliveries.enqueue(
            session,
            account_id=author.id,
            uri="http://x/act/1",
            activity_type="Create",
            body="{}",
            inboxes=inboxes,
        )


async def test_one_row_per_distinct_inbox(svc: Services) -> None:
    author = await _author(svc)
    count = await _enqueue(svc, author, ["http://p/inbox", "http://q/inbox", "http://p/inbox"])
    assert count == 2
    async with svc.sessions() as session:
        assert await deliveries.counts(session) == {"pending": 2}


async def test_claimed_rows_are_leased_until_the_lease_expires(svc: Services) -> None:
    author = await _author(svc)
    await _enqueue(svc, author, [f"http://p{i}/inbox" for i in range(5)])
    first = await deliveries.claim(svc.sessions, limit=3, lease=timedelta(seconds=60))
    second = await deliveries.claim(svc.sessions, limit=10, lease=timedelta(seconds=60))
    assert len(first) == 3 and len(second) == 2
    assert {c.id for c in first}.isdisjoint({c.id for c in second})
    assert await deliveries.claim(svc.sessions, limit=10, lease=timedelta(seconds=60)) == []
    assert first[0].body == "{}" and first[0].account_id == author.id


async def test_a_crashed_claim_is_taken_again_after_its_lease(svc: Services) -> None:
    author = await _author(svc)
    await _enqueue(svc, author, ["http://p/inbox"])
    taken = await deliveries.claim(svc.sessions, limit=1, lease=timedelta(seconds=-1))
    assert len(taken) == 1  # the worker "dies" without recording an outcome
    again = await deliveries.claim(svc.sessions, limit=1, lease=timedelta(seconds=60))
    assert [c.id for c in again] == [taken[0].id]


async def test_rows_the_worker_still_holds_are_not_taken_again(svc: Services) -> None:
    author = await _author(svc)
    await _enqueue(svc, author, ["http://p/inbox", "http://q/inbox"])
    slow = await deliveries.claim(svc.sessions, limit=1, lease=timedelta(seconds=-1))
    # Its lease ran out while its POST is still in flight: the worker still holds it.
    held = {item.id for item in slow}
    again = await deliveries.claim(svc.sessions, limit=5, lease=timedelta(seconds=60), held=held)
    assert len(again) == 1 and again[0].id not in held


async def test_outcomes_release_the_lease_and_schedule_retries(svc: Services) -> None:
    author = await _author(svc)
    await _enqueue(svc, author, ["http://ok/inbox", "http://retry/inbox", "http://gone/inbox"])
    claimed = {
        c.inbox_url: c
        for c in await deliveries.claim(svc.sessions, limit=10, lease=timedelta(seconds=60))
    }
    later = utcnow() + timedelta(hours=1)
    await deliveries.record(
        svc.sessions,
        [
            deliveries.Outcome(claimed["http://ok/inbox"].id, deliveries.DELIVERED, 202),
            deliveries.Outcome(
                claimed["http://retry/inbox"].id,
                deliveries.PENDING,
                503,
                "HTTP 503",
                retry_at=later,
            ),
            deliveries.Outcome(claimed["http://gone/inbox"].id, deliveries.FAILED, 410, "HTTP 410"),
        ],
    )
    async with svc.sessions() as session:
        assert await deliveries.counts(session) == {"delivered": 1, "pending": 1, "failed": 1}
        due = await deliveries.next_due(session)
    assert due is not None and abs((due - later).total_seconds()) < 1
    # Not due yet, so nothing to claim; the retry keeps its attempt count.
    assert await deliveries.claim(svc.sessions, limit=10, lease=timedelta(seconds=60)) == []
