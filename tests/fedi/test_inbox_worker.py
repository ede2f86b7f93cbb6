"""The inbox worker: handled rows are marked done, a crashing handler is retried later."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from activitypub.activities import Activity
from fedi import inbox
from fedi.services import Services
from storage import inbox as inbox_rows
from storage.models import InboxActivity
from storage.timeutil import utcnow

ACTOR = "https://remote.example/users/mallory"


def _like(n: int) -> inbox_rows.Received:
    payload = {
        "id": f"{ACTOR}/likes/{n}",
        "type": "Like",
        "actor": ACTOR,
        "object": "https://elsewhere.example/notes/1",
    }
    return inbox_rows.Received(str(payload["id"]), "Like", ACTOR, payload)


async def _rows(svc: Services) -> list[InboxActivity]:
    async with svc.sessions() as session:
        return list((await session.execute(select(InboxActivity))).scalars())


async def test_a_crashing_handler_is_retried_later_and_the_rest_are_done(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    async def flaky(_svc: Services, activity: Activity) -> None:
        calls.append(activity.id)
        if activity.id.endswith("/1"):
            raise RuntimeError("a bug in a handler")

    monkeypatch.setitem(inbox.HANDLERS, "Like", flaky)
    async with svc.sessions.begin() as session:
        await inbox_rows.record_many(session, [_like(n) for n in range(3)])

    assert await inbox.process_pending(svc) == 3
    rows = {row.uri.rsplit("/", 1)[1]: row for row in await _rows(svc)}
    assert [rows[n].state for n in "012"] == ["done", "pending", "done"]
    crashed = rows["1"]
    assert crashed.attempts == 1 and "a bug in a handler" in (crashed.last_error or "")
    assert crashed.next_attempt_at > utcnow()  # backed off, not retried in a hot loop

    # Nothing else is due now: the crashed row waits for its retry time.
    assert await inbox.process_pending(svc) == 0
    assert len(calls) == 3
