"""The stream hub reads events from the database, whichever process wrote them: each is
passed on once, one whose transaction commits after later ones were read is still passed on,
old ones are pruned; a listener that stops reading is closed rather than waited for."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fedi.core.services import Services
from fedi.domain.streaming import QUEUE_SIZE, Listener, Message, Stream
from fedi.workers.stream_hub import KEEP, Hub
from storage import stream_events
from storage.ids import new_id
from storage.models import StreamEvent
from storage.timeutil import utcnow
from tests.support import rows


def _deleted(listener: Listener) -> list[str]:
    found = []
    while not listener.queue.empty():
        message = listener.queue.get_nowait()
        assert message.event == "delete" and message.stream == Stream("user")
        found.append(message.payload)
    return found


async def test_each_event_once_even_when_its_transaction_commits_late(svc: Services) -> None:
    viewer = rows.account("https://here.example/users/alice", "alice", None)
    viewer.id = 5  # the author of the deleted posts: they were on her home
    hub = Hub(svc)
    listener = Listener(viewer, ("read",), {Stream("user")})
    hub.add(listener)
    behind = Listener(viewer, ("read",), {Stream("public")})
    behind.closed.set()  # fell behind: its connection is ending
    hub.add(behind)
    assert await hub.poll() == 0
    assert hub.listeners == {listener}
    early = new_id()  # taken by a transaction that commits after a later one
    async with svc.sessions.begin() as session:
        stream_events.record(session, stream_events.DELETE, 111, 5)
    assert await hub.poll() == 1
    assert _deleted(listener) == ["111"]
    async with svc.sessions.begin() as session:
        session.add(StreamEvent(id=early, kind="delete", ref_id=222, account_id=5))
    assert await hub.poll() == 1
    assert await hub.poll() == 0
    assert _deleted(listener) == ["222"]
    hub.remove(listener)
    async with svc.sessions.begin() as session:
        stream_events.record(session, stream_events.DELETE, 333, 5)
    assert await hub.poll() == 1
    assert _deleted(listener) == []  # gone: told nothing more


async def test_old_events_are_pruned(svc: Services) -> None:
    async with svc.sessions.begin() as session:
        old = utcnow() - timedelta(seconds=KEEP + 5)
        session.add(StreamEvent(kind="delete", ref_id=1, account_id=1, created_at=old))
        stream_events.record(session, stream_events.DELETE, 2, 1)
    async with svc.sessions.begin() as session:
        await stream_events.prune(session, KEEP)
    async with svc.reads() as session:
        left = await session.scalars(select(StreamEvent.ref_id))
        assert list(left) == [2]
        assert await session.scalar(select(func.count()).select_from(StreamEvent)) == 1


def test_a_listener_that_stops_reading_is_closed() -> None:
    viewer = rows.account("https://here.example/users/alice", "alice", None)
    listener = Listener(viewer, ("read",), {Stream("public")})
    for n in range(QUEUE_SIZE):
        listener.put(Message(Stream("public"), "delete", str(n)))
    assert not listener.closed.is_set()
    listener.put(Message(Stream("public"), "delete", "one too many"))
    assert listener.closed.is_set()
    assert listener.queue.qsize() == QUEUE_SIZE
