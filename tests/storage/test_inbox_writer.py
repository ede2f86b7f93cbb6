"""The inbox's group commit: requests stored together are answered together, but one row that
cannot be stored fails only its own request."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from fedi.core.services import Services
from fedi.federation.receive import _unstorable
from storage import inbox as inbox_rows
from storage.inbox_writer import InboxWriter
from storage.models import InboxActivity

ACTOR = "https://remote.example/users/mallory"


def _item(uri: str) -> inbox_rows.Received:
    payload = {"id": uri, "type": "Like", "actor": ACTOR, "object": "https://x.example/1"}
    return inbox_rows.Received(uri, "Like", ACTOR, payload)


async def test_a_poisoned_row_fails_alone(svc: Services) -> None:
    writer = InboxWriter(svc.sessions)
    good = [_item(f"{ACTOR}/likes/{n}") for n in range(3)]
    bad = _item(f"{ACTOR}/likes/\ud800")  # cannot be encoded for the database
    results = await asyncio.gather(
        *(writer.store(item) for item in [good[0], bad, good[1], good[2]]),
        return_exceptions=True,
    )
    assert results[0] is True and results[2] is True and results[3] is True
    assert isinstance(results[1], Exception)
    async with svc.reads() as session:
        stored = set((await session.execute(select(InboxActivity.uri))).scalars())
    assert stored == {item.uri for item in good}


@pytest.mark.parametrize(
    ("activity_id", "kind", "reason"),
    [
        (f"{ACTOR}/\ud800", "Like", "id is not valid Unicode"),
        (f"{ACTOR}/a\x00b", "Like", "id contains a NUL"),
        (f"{ACTOR}/" + "x" * 2048, "Like", "id is longer than 2048"),
        (f"{ACTOR}/1", "L" * 65, "type is longer than 64"),
    ],
    ids=["lone-surrogate", "nul", "long-id", "long-type"],
)
def test_unstorable_envelopes_are_refused_with_a_reason(
    activity_id: str, kind: str, reason: str
) -> None:
    assert reason in (_unstorable(activity_id, kind, ACTOR) or "")


def test_a_normal_envelope_is_storable() -> None:
    assert _unstorable(f"{ACTOR}/1", "Create", ACTOR) is None
