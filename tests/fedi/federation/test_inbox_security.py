"""Inbox security rules against a real server: each forged request gets 401 and stores nothing."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.workers.handlers import HANDLERS
from storage.models import Delivery, Follow, InboxActivity
from tests.support.databases import DatabaseFactory
from tests.support.inspect import query
from tests.support.peer import Peer, PeerActor
from tests.support.servers import Server, free_port, run_cli, write_config
from tests.support.signing import signature_header


@dataclass
class Instance:
    config: Path
    server: Server

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    @property
    def alice(self) -> str:
        return f"{self.server.base}/users/alice"


@pytest.fixture
async def instance(tmp_path: Path, databases: DatabaseFactory) -> AsyncIterator[Instance]:
    def start() -> Instance:
        port = free_port()
        config = write_config(tmp_path / "config.toml", port=port, database_url=databases.new_url())
        run_cli(config, "init")
        run_cli(config, "user", "create", "alice")
        return Instance(config, Server(config, port, tmp_path / "server.log").start())

    inst = await asyncio.to_thread(start)
    yield inst
    await asyncio.to_thread(inst.server.stop)


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    fake = await Peer().start()
    fake.add_actor("mallory")
    fake.add_actor("eve", keys=None)
    yield fake
    await fake.stop()


def follow(actor: PeerActor, target: str, n: int = 1) -> bytes:
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{actor.id}#follows/{n}",
            "type": "Follow",
            "actor": actor.id,
            "object": target,
        }
    ).encode()


def signed_headers(actor: PeerActor, url: str, body: bytes) -> dict[str, str]:
    headers = dict(actor.signer.sign("POST", url, body))
    headers["Content-Type"] = "application/activity+json"
    return headers


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    data = io.BytesIO(body) if len(body) > 1_000_000 else body
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, headers=headers) as response,
    ):
        return response.status, await response.text()


def _digest(body: bytes) -> str:
    import base64
    import hashlib

    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _now() -> str:
    return format_datetime(datetime.now(UTC), usegmt=True)


Forge = Callable[[Instance, Peer], tuple[bytes, dict[str, str]]]


def no_signature(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    body = follow(peer.actors["mallory"], inst.alice)
    headers = signed_headers(peer.actors["mallory"], f"{inst.server.base}/inbox", body)
    del headers["Signature"]
    return body, headers


def digest_not_covered(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    body = follow(actor, inst.alice)
    date = _now()
    signed = [("(request-target)", "post /inbox"), ("host", inst.host), ("date", date)]
    return body, {
        "Host": inst.host,
        "Date": date,
        "Digest": _digest(body),
        "Signature": signature_header(actor.private_pem, actor.key_id, signed),
    }


def body_changed(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    headers = signed_headers(actor, f"{inst.server.base}/inbox", follow(actor, inst.alice, 1))
    return follow(actor, inst.alice, 2), headers


def date_out_of_window(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    body = follow(actor, inst.alice)
    old = datetime.now(UTC) - timedelta(hours=1)
    headers = dict(actor.signer.sign("POST", f"{inst.server.base}/inbox", body, now=old))
    return body, headers


def key_of_another_actor(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    body = follow(peer.actors["mallory"], inst.alice)
    return body, signed_headers(peer.actors["eve"], f"{inst.server.base}/inbox", body)


def unknown_key(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    ghost = PeerActor("ghost", peer.base, actor.private_pem, actor.public_pem)
    body = follow(ghost, inst.alice)
    return body, signed_headers(ghost, f"{inst.server.base}/inbox", body)


def wrong_host(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    body = follow(actor, inst.alice)
    return body, signed_headers(actor, "http://other.example/inbox", body)


def query_changed(inst: Instance, peer: Peer) -> tuple[bytes, dict[str, str]]:
    actor = peer.actors["mallory"]
    body = follow(actor, inst.alice)
    return body, signed_headers(actor, f"{inst.server.base}/inbox?x=1", body)


CASES: dict[str, tuple[Forge, str]] = {
    "no signature": (no_signature, "signature"),
    "digest not covered": (digest_not_covered, "digest"),
    "body changed after signing": (body_changed, "digest"),
    "date out of window": (date_out_of_window, "date"),
    "key of another actor": (key_of_another_actor, "actor"),
    "unknown key": (unknown_key, "key"),
    "wrong host": (wrong_host, "host"),
    "target changed after signing": (query_changed, "signature"),
}


async def _stored(inst: Instance) -> int:
    async def count(session: AsyncSession) -> int:
        return int((await session.execute(select(func.count(InboxActivity.id)))).scalar_one())

    return await asyncio.to_thread(query, inst.config, count)


@pytest.mark.parametrize("case", list(CASES))
async def test_forged_requests_are_refused_with_a_reason(
    case: str, instance: Instance, peer: Peer
) -> None:
    forge, word = CASES[case]
    body, headers = forge(instance, peer)
    status, text = await post(f"{instance.server.base}/inbox", body, headers)
    assert status == 401, text
    reason = json.loads(text)["error"]
    assert word in reason.lower(), reason
    assert await _stored(instance) == 0


async def test_valid_request_is_accepted_once(instance: Instance, peer: Peer) -> None:
    actor = peer.actors["mallory"]
    body = follow(actor, instance.alice)
    for _ in range(2):  # the second is a replay of the same activity id, freshly signed
        headers = signed_headers(actor, f"{instance.server.base}/users/alice/inbox", body)
        status, text = await post(f"{instance.server.base}/users/alice/inbox", body, headers)
        assert status == 202, text
    assert await _stored(instance) == 1

    async def effects(session: AsyncSession) -> tuple[int, int]:
        follows = (await session.execute(select(func.count(Follow.id)))).scalar_one()
        accepts = (await session.execute(select(func.count(Delivery.id)))).scalar_one()
        return int(follows), int(accepts)

    async def settled() -> tuple[int, int]:
        for _ in range(100):
            result = await asyncio.to_thread(query, instance.config, effects)
            if result[0]:
                return result
            await asyncio.sleep(0.1)
        return 0, 0

    assert await settled() == (1, 1)  # one follower, one Accept queued


async def test_oversized_body_is_refused(instance: Instance, peer: Peer) -> None:
    """A body declared larger than the inbox takes is refused from its headers, before any of
    it is read. (The request is written by hand: a client that sends the whole body races the
    server's early answer, and may see the connection reset instead of the 413.)"""
    actor = peer.actors["mallory"]
    body = json.dumps({"padding": "x" * 1_100_000}).encode()
    headers = signed_headers(actor, f"{instance.server.base}/inbox", body)
    reader, writer = await asyncio.open_connection("127.0.0.1", instance.server.port)
    try:
        headers = {"Host": f"127.0.0.1:{instance.server.port}", **headers}
        headers.update({"Content-Length": str(len(body)), "Connection": "close"})
        head = ["POST /inbox HTTP/1.1", *(f"{name}: {value}" for name, value in headers.items())]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    finally:
        writer.close()
    assert status_line.split()[1] == b"413", status_line
    assert await _stored(instance) == 0


async def test_unsigned_malformed_json_is_refused_before_parsing(instance: Instance) -> None:
    status, text = await post(f"{instance.server.base}/inbox", b"{not json", {})
    assert status == 401 and "signature" in text.lower()


# Every type the inbox worker handles, Create (handled in runs), and types it stores without
# handling yet: the rule is checked before anything is stored, whatever the type.
ACTIVITY_TYPES = sorted({*HANDLERS, "Create", "Add", "Remove", "Move", "Flag"})


def _object_of(kind: str, actor: PeerActor, inst: Instance) -> object:
    """A plausible object for an activity of this type by `actor`, sent to `inst`."""
    note = {
        "id": f"{actor.id}/notes/1",
        "type": "Note",
        "attributedTo": actor.id,
        "content": "<p>hi</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    objects: dict[str, object] = {
        "Accept": {"id": f"{inst.alice}#follows/1", "type": "Follow", "actor": inst.alice},
        "Reject": {"id": f"{inst.alice}#follows/1", "type": "Follow", "actor": inst.alice},
        "Undo": {"id": f"{actor.id}#follows/1", "type": "Follow", "actor": actor.id},
        "Like": f"{inst.alice}/statuses/1",
        "Announce": f"{inst.alice}/statuses/1",
        "Delete": f"{actor.id}/notes/1",
        "Update": actor.document(),
        "Create": note,
        "Add": f"{actor.id}/notes/1",
        "Remove": f"{actor.id}/notes/1",
        "Move": actor.id,
    }
    return objects.get(kind, inst.alice)


def _foreign_ids(peer: Peer, kind: str) -> list[str]:
    """Activity ids on other origins than the peer's http://127.0.0.1:port: another host,
    another port, another scheme."""
    return [
        f"https://elsewhere.example/activities/{kind}",
        f"http://127.0.0.1:{peer.port + 1}/activities/{kind}",
        f"https://127.0.0.1:{peer.port}/activities/{kind}",
    ]


async def _follows(inst: Instance) -> int:
    async def count(session: AsyncSession) -> int:
        return int((await session.execute(select(func.count(Follow.id)))).scalar_one())

    return await asyncio.to_thread(query, inst.config, count)


@pytest.mark.parametrize("kind", ACTIVITY_TYPES)
async def test_an_activity_id_on_another_origin_is_refused(
    kind: str, instance: Instance, peer: Peer
) -> None:
    """Correctly signed by its actor, but the id is not on the actor's origin: 400, nothing
    stored, so nothing happens (a Follow used to add a follower)."""
    actor = peer.actors["mallory"]
    inbox = f"{instance.server.base}/inbox"
    for foreign in _foreign_ids(peer, kind):
        doc = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": foreign,
            "type": kind,
            "actor": actor.id,
            "object": _object_of(kind, actor, instance),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }
        body = json.dumps(doc).encode()
        status, text = await post(inbox, body, signed_headers(actor, inbox, body))
        assert status == 400, (foreign, text)
        assert "origin" in json.loads(text)["error"], text
    assert await _stored(instance) == 0
    assert await _follows(instance) == 0


async def test_an_activity_without_an_id_is_refused(instance: Instance, peer: Peer) -> None:
    """Mastodon, Pleroma, Misskey and GoToSocial always send an activity id; without one it
    could neither be deduplicated nor checked against its actor's origin."""
    actor = peer.actors["mallory"]
    inbox = f"{instance.server.base}/inbox"
    doc = json.loads(follow(actor, instance.alice))
    del doc["id"]
    body = json.dumps(doc).encode()
    status, text = await post(inbox, body, signed_headers(actor, inbox, body))
    assert status == 400, text
    assert "id is missing" in json.loads(text)["error"], text
    assert await _stored(instance) == 0
