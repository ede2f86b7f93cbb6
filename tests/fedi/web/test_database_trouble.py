"""A database in trouble (read-only, unreachable) is 503 with Retry-After and a reason, not a
500 and a traceback: for inbox POSTs through the Quart routes and through the ASGI front that
answers them under `impasto serve`, and for the other routes. The sender keeps the activity
and tries again later."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy.exc import IntegrityError

from fedi.core.services import Services
from fedi.core.settings import DatabaseSettings, load_settings
from fedi.web.app import create_app
from fedi.web.inbox_asgi import InboxFront
from storage.models import InboxActivity
from tests.support.peer import Peer, PeerActor, activity
from tests.support.servers import free_port
from tests.support.trouble import new_connections, read_only

INBOXES = ["/inbox", "/users/alice/inbox", "/actor/inbox"]


def _signed(
    svc: Services, actor: PeerActor, path: str, doc: dict[str, Any]
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(doc).encode()
    headers = dict(actor.signer.sign("POST", f"{svc.settings.instance.url}{path}", body))
    headers["Content-Type"] = "application/activity+json"
    return body, headers


def _like(svc: Services, actor: PeerActor, n: int) -> dict[str, Any]:
    return activity("Like", actor, f"{svc.urls.actor('alice')}/statuses/1", n)


async def _stored(svc: Services) -> int:
    async with svc.reads() as session:
        return len((await session.execute(InboxActivity.__table__.select())).all())


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert "Traceback" not in caplog.text


async def _read_only_now(svc: Services) -> None:
    """Pooled connections go, so that the next ones are made read-only (or writable again)."""
    await new_connections(svc.engine)


async def test_an_inbox_post_to_a_read_only_database_is_503_with_retry_after(
    client: tuple[Client, Services],
    remote: Peer,
    db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    http, svc = client
    mallory = remote.actors["mallory"]
    body, headers = _signed(svc, mallory, "/inbox", _like(svc, mallory, 0))
    response = await http.post("/inbox", data=body, headers=headers)  # mallory's key, stored
    assert response.status_code == 202
    with read_only(db_url):
        await _read_only_now(svc)
        for n, path in enumerate(INBOXES, start=1):
            body, headers = _signed(svc, mallory, path, _like(svc, mallory, n))
            response = await http.post(path, data=body, headers=headers)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "60"
            assert "try again later" in (await response.get_json(force=True))["error"]
    _no_traceback(caplog)
    assert "answering 503: the database at " in caplog.text and "is read-only" in caplog.text
    await _read_only_now(svc)
    assert await _stored(svc) == 1  # the first only
    body, headers = _signed(svc, mallory, "/inbox", _like(svc, mallory, 1))
    assert (await http.post("/inbox", data=body, headers=headers)).status_code == 202


async def test_a_sender_whose_key_cannot_be_stored_hears_503_not_401(
    client: tuple[Client, Services], remote: Peer, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A new sender's actor is stored with its key: on a read-only database that fails, which
    is no reason to call the key unknown (Mastodon gives up on a 401, and retries a 503)."""
    http, svc = client
    trent = remote.actors["trent"]
    with read_only(db_url):
        await _read_only_now(svc)
        body, headers = _signed(svc, trent, "/inbox", _like(svc, trent, 1))
        response = await http.post("/inbox", data=body, headers=headers)
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0  # the key store's own wait
    _no_traceback(caplog)
    await _read_only_now(svc)
    response = await http.post("/inbox", data=body, headers=headers)  # tried again: known now
    assert response.status_code == 202


class _Exchange:
    """One request through an ASGI app, and what it sent back."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {name.decode(): value.decode() for name, value in self.sent[0]["headers"]}


async def _through_front(
    svc: Services, client: Client, path: str, body: bytes, headers: dict[str, str]
) -> _Exchange:
    front = InboxFront(client.app, lambda: svc)  # type: ignore[attr-defined]
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
    }
    exchange = _Exchange(body)
    await front(scope, exchange.receive, exchange.send)  # type: ignore[arg-type]
    return exchange


async def test_the_asgi_front_answers_503_with_retry_after_too(
    client: tuple[Client, Services],
    remote: Peer,
    db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    http, svc = client
    mallory = remote.actors["mallory"]
    body, headers = _signed(svc, mallory, "/inbox", _like(svc, mallory, 0))
    assert (await _through_front(svc, http, "/inbox", body, headers)).status == 202
    with read_only(db_url):
        await _read_only_now(svc)
        for n, path in enumerate(INBOXES, start=1):
            body, headers = _signed(svc, mallory, path, _like(svc, mallory, n))
            exchange = await _through_front(svc, http, path, body, headers)
            assert exchange.status == 503, path
            assert exchange.headers["retry-after"] == "60"
            assert "try again later" in json.loads(exchange.sent[1]["body"])["error"]
    _no_traceback(caplog)
    await _read_only_now(svc)
    assert await _stored(svc) == 1


@pytest.mark.parametrize(
    "path",
    ["/users/alice", "/users/alice/outbox?page=true", "/@alice", "/.well-known/nodeinfo"],
)
async def test_a_database_that_cannot_be_reached_is_503_elsewhere_too(
    client: tuple[Client, Services], caplog: pytest.LogCaptureFixture, path: str
) -> None:
    http, svc = client
    app = http.app  # type: ignore[attr-defined]
    unreachable = f"postgresql+asyncpg://impasto:secret@127.0.0.1:{free_port()}/impasto"
    settings = svc.settings.model_copy(update={"database": DatabaseSettings(url=unreachable)})
    app.config["IMPASTO_SERVICES"] = broken = Services.create(settings)
    try:
        response = await http.get(path, headers={"Accept": "application/activity+json"})
    finally:
        app.config["IMPASTO_SERVICES"] = svc
        await broken.close()
    if path == "/.well-known/nodeinfo":  # no database needed
        assert response.status_code == 200
        return
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "secret" not in caplog.text and "cannot be reached" in caplog.text
    _no_traceback(caplog)


async def test_a_database_error_that_is_a_bug_stays_a_500(
    config_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(load_settings(config_path), workers=False)

    @app.get("/boom")
    async def boom() -> str:
        raise IntegrityError("INSERT …", None, sqlite3.IntegrityError("UNIQUE constraint failed"))

    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "UNIQUE constraint failed" in caplog.text  # its traceback is logged, as for any bug
