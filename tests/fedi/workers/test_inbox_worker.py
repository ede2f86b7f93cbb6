"""The inbox worker: handled rows are marked done, a crashing handler is retried later, and a
run of Creates is stored together with each judged on its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.workers import handlers, inbox
from storage import inbox as inbox_rows
from storage.models import Account, InboxActivity, Post
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

    monkeypatch.setitem(handlers.HANDLERS, "Like", flaky)
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


def _create(actor: str, n: int | str, *, mention: str | None, author: str | None = None) -> dict:
    note = {
        "id": f"{actor}/notes/{n}",
        "type": "Note",
        "attributedTo": author or actor,
        "content": f"<p>note {n}</p><script>alert(1)</script>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "tag": [{"type": "Mention", "href": mention}] if mention else [],
    }
    return {"id": f"{actor}/notes/{n}/activity", "type": "Create", "actor": actor, "object": note}


async def test_a_run_of_creates_is_stored_together_each_judged_on_its_own(
    svc: Services,
) -> None:
    alice = await create_user(svc, "alice")
    senders = [f"https://remote.example/users/s{i}" for i in range(3)]
    async with svc.sessions.begin() as session:
        for uri in senders:
            session.add(
                Account(
                    uri=uri,
                    username=uri.rsplit("/", 1)[1],
                    domain="remote.example",
                    inbox_url=f"{uri}/inbox",
                    public_key_id=f"{uri}#main-key",
                    public_key_pem="-",
                )
            )
    payloads = [
        _create(senders[0], 1, mention=alice.uri),  # mentions alice: kept
        _create(senders[1], 2, mention=None),  # nobody here follows s1: dropped, done
        _create(senders[2], 3, mention=alice.uri, author=senders[0]),  # forged author
        _create(senders[0], 1, mention=alice.uri) | {"id": f"{senders[0]}/again"},  # same note
        _create(senders[2], 4, mention=alice.uri),
        # a note id the database cannot store: this one fails (and is retried), alone
        _create(senders[1], "\ud800", mention=alice.uri) | {"id": f"{senders[1]}/poisoned"},
    ]
    received = [inbox_rows.Received(str(p["id"]), "Create", str(p["actor"]), p) for p in payloads]
    async with svc.sessions.begin() as session:
        await inbox_rows.record_many(session, received)

    assert await inbox.process_pending(svc) == 6

    states = {row.uri: (row.state, row.last_error) for row in await _rows(svc)}
    assert [states[str(p["id"])][0] for p in payloads] == [
        "done",
        "done",
        "failed",
        "done",
        "done",
        "pending",
    ]
    assert "crashed" in (states[f"{senders[1]}/poisoned"][1] or "")
    assert "not the object's author" in (states[str(payloads[2]["id"])][1] or "")
    async with svc.sessions() as session:
        stored = {post.uri: post for post in (await session.execute(select(Post))).scalars()}
    assert sorted(stored) == [f"{senders[0]}/notes/1", f"{senders[2]}/notes/4"]
    assert "<script>" not in stored[f"{senders[0]}/notes/1"].content_html  # sanitised
