"""Generation rows: quotas and run slots are checked and taken atomically across processes, and a
slot is held by a lease that its process renews."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from fedi.core.services import Services
from storage import generations
from storage.generations import OverQuota, Quota
from storage.models import Account, Generation

HOUR = Quota(limit=1, window=timedelta(hours=1))
LEASE = 60.0
STALE = 900.0


async def _account(svc: Services) -> int:
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
    return account.id


async def _queued(svc: Services, account_id: int) -> int:
    async with svc.sessions.begin() as session:
        return (await generations.add(session, account_id, "p", "builtin")).id


async def _rows(svc: Services) -> list[Generation]:
    async with svc.sessions() as session:
        return list((await session.execute(select(Generation))).scalars())


@pytest.fixture
async def other(svc: Services) -> AsyncIterator[Services]:
    """A second process's services on the same database (its own connections)."""
    second = Services.create(svc.settings)
    try:
        yield second
    finally:
        await second.close()


async def _add(svc: Services, account_id: int) -> bool:
    try:
        async with svc.sessions.begin() as session:
            await generations.add_within(session, account_id, "p", "builtin", [HOUR])
    except OverQuota:
        return False
    return True


async def _start(svc: Services, generation_id: int) -> bool:
    async with svc.sessions.begin() as session:
        return await generations.try_start(session, generation_id, 1, STALE, LEASE)


async def test_two_racing_admissions_pass_a_quota_of_one_once(
    svc: Services, other: Services
) -> None:
    account_id = await _account(svc)
    # The first process has checked the quota and inserted, and not yet committed; the second
    # checks now. Reading the count before the first commits would let both through.
    async with svc.sessions.begin() as session:
        await generations.add_within(session, account_id, "p", "builtin", [HOUR])
        second = asyncio.create_task(_add(other, account_id))
        await asyncio.sleep(0.5)
    assert await asyncio.wait_for(second, 20) is False
    assert len(await _rows(svc)) == 1


async def test_over_quota_says_which_quota_how_many_and_since_when(svc: Services) -> None:
    account_id = await _account(svc)
    day = Quota(limit=2, window=timedelta(days=1))
    for _ in range(2):
        async with svc.sessions.begin() as session:
            await generations.add_within(session, account_id, "p", "builtin", [day])
    with pytest.raises(OverQuota) as refused:
        async with svc.sessions.begin() as session:
            await generations.add_within(session, account_id, "p", "builtin", [HOUR, day])
    assert refused.value.quota == HOUR  # the first one over
    assert refused.value.count == 2 and refused.value.oldest is not None


async def test_two_racing_starts_take_one_slot_once(svc: Services, other: Services) -> None:
    account_id = await _account(svc)
    first, second = await _queued(svc, account_id), await _queued(svc, account_id)
    async with svc.sessions.begin() as session:
        assert await generations.try_start(session, first, 1, STALE, LEASE)
        racing = asyncio.create_task(_start(other, second))
        await asyncio.sleep(0.5)
    assert await asyncio.wait_for(racing, 20) is False


async def test_a_slot_whose_lease_lapsed_is_free_and_a_renewed_one_is_not(svc: Services) -> None:
    account_id = await _account(svc)
    dead, alive, waiting = [await _queued(svc, account_id) for _ in range(3)]
    async with svc.sessions.begin() as session:
        assert await generations.try_start(session, dead, 2, STALE, 0.5)
        assert await generations.try_start(session, alive, 2, STALE, 0.5)
    await asyncio.sleep(0.3)
    async with svc.sessions.begin() as session:
        assert await generations.renew(session, alive, LEASE)
    await asyncio.sleep(0.4)  # the unrenewed lease has run out
    assert await _start_with_limit(svc, waiting, 2)
    assert not await _start_with_limit(svc, await _queued(svc, account_id), 2)


async def _start_with_limit(svc: Services, generation_id: int, limit: int) -> bool:
    async with svc.sessions.begin() as session:
        return await generations.try_start(session, generation_id, limit, STALE, LEASE)


async def test_release_frees_the_slot_once_and_keeps_a_finished_outcome(svc: Services) -> None:
    account_id = await _account(svc)
    running, done = await _queued(svc, account_id), await _queued(svc, account_id)
    async with svc.sessions.begin() as session:
        assert await generations.try_start(session, running, 2, STALE, LEASE)
        assert await generations.try_start(session, done, 2, STALE, LEASE)
        await generations.set_state(session, done, generations.DONE)
        assert await generations.release(session, running, "interrupted")
        assert not await generations.release(session, done, "interrupted")
        assert not await generations.renew(session, running, LEASE)
    rows = {row.id: row for row in await _rows(svc)}
    assert (rows[running].state, rows[running].reason) == ("failed", "interrupted")
    assert (rows[done].state, rows[done].reason) == ("done", None)
    assert rows[running].locked_until is None and rows[done].locked_until is None
