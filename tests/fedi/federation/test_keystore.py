"""KeyStore with the verifier: a rotated key is picked up by one refresh, and refreshes are
rate-limited per key id; concurrent lookups share one fetch, and a fetch that fails for now is a
temporary failure, not a missing key. The network fetch is a stand-in; the database is real."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.actors import ActorParseError
from activitypub.http import (
    BadContentType,
    BlockedAddress,
    ConnectError,
    FetchTimeout,
    HTTPStatusError,
)
from activitypub.keys import PublicKey, generate_rsa_keypair
from activitypub.signatures import (
    BadSignature,
    KeyUnavailable,
    Signer,
    UnknownKey,
    VerifiedRequest,
    verify_request,
)
from fedi.core import keys
from fedi.core.keys import KeyStore
from fedi.core.services import Services
from fedi.federation import receive

HOST = "social.example"
OWNER = "https://remote.example/users/alice"
KEY_ID = f"{OWNER}#main-key"
BODY = b'{"type":"Follow"}'


@dataclass
class FakeFetch:
    """Stands in for the signed GET of the key document; `current` is what the server publishes,
    `error` what the fetch raises instead, after `delay` seconds."""

    current: PublicKey | None
    calls: list[str] = field(default_factory=list)
    error: Exception | None = None
    delay: float = 0.0

    async def __call__(self, key_id: str) -> PublicKey | None:
        self.calls.append(key_id)
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.current


@dataclass
class FetchingStore:
    """A KeyStore on the test database, asked as the inbox asks it, with `fetch` as the
    network fetch (fedi.federation.receive passes fedi.federation.actors.fetch_key)."""

    keys: KeyStore
    fetch: Callable[[str], Awaitable[PublicKey | None]]

    async def lookup(self, key_id: str, refresh: bool) -> PublicKey | None:
        return await self.keys.lookup(key_id, refresh, fetch=self.fetch)

    def forget(self, key_id: str) -> None:
        self.keys.forget(key_id)


def key_store(svc: Services, fetch: Callable[[str], Awaitable[PublicKey | None]]) -> FetchingStore:
    """A key store on the test database whose network fetch is `fetch`."""
    return FetchingStore(KeyStore(reads=svc.reads, blocked=svc.domain_blocked), fetch)


@pytest.fixture(scope="module")
def old_keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


@pytest.fixture(scope="module")
def attacker_keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


async def post(store: FetchingStore, private_pem: str) -> VerifiedRequest:
    now = datetime.now(UTC)
    headers = Signer(KEY_ID, private_pem).sign("POST", f"https://{HOST}/inbox", BODY, now=now)
    return await verify_request(
        method="POST",
        target="/inbox",
        headers=headers,
        body=BODY,
        expected_host=HOST,
        lookup_key=store.lookup,
        now=now,
    )


async def test_rotated_key_is_picked_up_by_one_rate_limited_refresh(
    svc: Services,
    monkeypatch: pytest.MonkeyPatch,
    keypair: tuple[str, str],
    old_keypair: tuple[str, str],
    attacker_keypair: tuple[str, str],
) -> None:
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, old_keypair[1]))
    store = key_store(svc, fetch)

    # The old key is fetched once and then served from the cache.
    assert (await post(store, old_keypair[0])).owner == OWNER
    assert (await post(store, old_keypair[0])).owner == OWNER
    assert fetch.calls == [KEY_ID]

    # The actor rotates its key: the first request signed with the new key costs one refresh.
    fetch.current = PublicKey(KEY_ID, OWNER, keypair[1])
    assert (await post(store, keypair[0])).owner == OWNER
    assert fetch.calls == [KEY_ID, KEY_ID]
    assert (await post(store, keypair[0])).owner == OWNER
    assert len(fetch.calls) == 2

    # Forged requests for the same key id cannot make us fetch again within the interval.
    for _ in range(3):
        with pytest.raises(BadSignature):
            await post(store, attacker_keypair[0])
    assert len(fetch.calls) == 2

    # Once the interval has passed, one refresh is allowed again.
    monkeypatch.setattr(keys, "REFRESH_INTERVAL", 0.01)
    await asyncio.sleep(0.02)
    with pytest.raises(BadSignature):
        await post(store, attacker_keypair[0])
    assert len(fetch.calls) == 3


async def test_refresh_allowance_is_per_key_id(svc: Services) -> None:
    fetch = FakeFetch(None)
    store = key_store(svc, fetch)
    other = "https://remote.example/users/bob#main-key"

    assert await store.lookup(KEY_ID, True) is None
    assert await store.lookup(KEY_ID, True) is None
    assert await store.lookup(other, True) is None

    assert fetch.calls == [KEY_ID, other]


async def test_a_flood_naming_an_unreachable_key_makes_one_fetch(
    svc: Services, monkeypatch: pytest.MonkeyPatch, attacker_keypair: tuple[str, str]
) -> None:
    fetch = FakeFetch(None)  # the key's server does not answer with a key
    store = key_store(svc, fetch)

    for _ in range(5):
        with pytest.raises(UnknownKey):
            await post(store, attacker_keypair[0])
    assert fetch.calls == [KEY_ID]

    # The key appears later: after the interval it is fetched and verifies.
    fetch.current = PublicKey(KEY_ID, OWNER, attacker_keypair[1])
    monkeypatch.setattr(keys, "REFRESH_INTERVAL", 0.01)
    await asyncio.sleep(0.02)
    assert (await post(store, attacker_keypair[0])).owner == OWNER
    assert fetch.calls == [KEY_ID, KEY_ID]


async def test_an_actor_that_cannot_be_stored_is_an_unknown_key(svc: Services) -> None:
    async def clash(key_id: str) -> PublicKey | None:
        raise IntegrityError("INSERT INTO accounts", {}, Exception("UNIQUE constraint failed"))

    store = key_store(svc, clash)
    assert await store.lookup(KEY_ID, False) is None  # the inbox answers 401, not 500


async def test_concurrent_lookups_of_one_key_share_one_fetch(
    svc: Services, keypair: tuple[str, str], old_keypair: tuple[str, str]
) -> None:
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, old_keypair[1]), delay=0.2)
    store = key_store(svc, fetch)
    verified = await asyncio.gather(*(post(store, old_keypair[0]) for _ in range(50)))
    assert {request.owner for request in verified} == {OWNER}
    assert fetch.calls == [KEY_ID]

    # A burst signed with a rotated key: one refresh, which every request waits for.
    fetch.current = PublicKey(KEY_ID, OWNER, keypair[1])
    verified = await asyncio.gather(*(post(store, keypair[0]) for _ in range(50)))
    assert {request.owner for request in verified} == {OWNER}
    assert fetch.calls == [KEY_ID, KEY_ID]


async def test_a_lookup_whose_database_read_outlasts_the_shared_fetch_takes_its_key(
    svc: Services, keypair: tuple[str, str]
) -> None:
    # One lookup is still reading the database (a loaded server) when another's fetch of the
    # same key starts and ends: the late one finds no fetch in flight, but must not fetch again.
    entered, gate = asyncio.Event(), asyncio.Event()
    calls = 0

    @asynccontextmanager
    async def reads() -> AsyncIterator[AsyncSession]:
        nonlocal calls
        calls += 1
        if calls == 1:  # the late lookup's read: held until the other's fetch has ended
            entered.set()
            await gate.wait()
        async with svc.reads() as session:
            yield session

    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, keypair[1]))
    store = FetchingStore(KeyStore(reads=reads, blocked=svc.domain_blocked), fetch)
    late = asyncio.create_task(post(store, keypair[0]))
    await asyncio.wait_for(entered.wait(), 10)  # (not a sleep: a loaded machine is slow)
    assert (await asyncio.wait_for(post(store, keypair[0]), 10)).owner == OWNER
    gate.set()
    assert (await asyncio.wait_for(late, 10)).owner == OWNER
    assert fetch.calls == [KEY_ID]


async def test_a_refresh_asked_for_just_after_another_ended_gets_its_key(
    svc: Services, keypair: tuple[str, str], old_keypair: tuple[str, str]
) -> None:
    # Two requests signed with a rotated key: the first refreshes the key. The second had read
    # the old key before that ended, so it asks for a refresh too; it is told the new key
    # (refreshes are rate limited, so it would otherwise be refused a key it can verify with).
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, old_keypair[1]))
    store = key_store(svc, fetch)
    assert (await post(store, old_keypair[0])).owner == OWNER
    fetch.current = PublicKey(KEY_ID, OWNER, keypair[1])
    assert (await post(store, keypair[0])).owner == OWNER
    fresh = await store.lookup(KEY_ID, True)
    assert fresh is not None and fresh.pem == keypair[1]
    assert fetch.calls == [KEY_ID, KEY_ID]


async def test_a_waiter_that_goes_away_does_not_cancel_the_shared_fetch(
    svc: Services, keypair: tuple[str, str]
) -> None:
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, keypair[1]), delay=0.2)
    store = key_store(svc, fetch)
    first = asyncio.create_task(post(store, keypair[0]))
    second = asyncio.create_task(post(store, keypair[0]))
    await asyncio.sleep(0.05)
    first.cancel()  # its sender hung up
    assert (await second).owner == OWNER
    assert fetch.calls == [KEY_ID]
    with pytest.raises(asyncio.CancelledError):
        await first


def _sqlite_busy() -> Exception:
    """The error SQLite raises when another process holds the write lock."""
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    error.sqlite_errorname = "SQLITE_BUSY"  # type: ignore[attr-defined]
    return error


TEMPORARY = {
    "timeout": FetchTimeout("no answer within 10.0 s", OWNER),
    "connection refused": ConnectError("cannot connect: refused", OWNER),
    "HTTP 502": HTTPStatusError("HTTP 502", OWNER, 502, None),
    "HTTP 503": HTTPStatusError("HTTP 503", OWNER, 503, 120.0),
    "HTTP 429": HTTPStatusError("HTTP 429", OWNER, 429, None),
    "our database is busy": OperationalError("SELECT", {}, _sqlite_busy()),
}


@pytest.mark.parametrize("failure", list(TEMPORARY))
async def test_a_fetch_failing_for_now_is_a_temporary_failure_that_does_not_stick(
    failure: str, svc: Services, keypair: tuple[str, str]
) -> None:
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, keypair[1]), error=TEMPORARY[failure])
    store = key_store(svc, fetch)
    with pytest.raises(KeyUnavailable) as raised:
        await post(store, keypair[0])
    assert raised.value.status == 503 and raised.value.retry_after > 0
    assert "for now" in raised.value.reason

    # The sender retries once its server is back: fetched again and accepted at once.
    fetch.error = None
    assert (await post(store, keypair[0])).owner == OWNER
    assert fetch.calls == [KEY_ID, KEY_ID]


PERMANENT = {
    "HTTP 404": HTTPStatusError("HTTP 404", OWNER, 404, None),
    "HTTP 410": HTTPStatusError("HTTP 410", OWNER, 410, None),
    "HTTP 403": HTTPStatusError("HTTP 403", OWNER, 403, None),
    "no such key in the document": ActorParseError(f"the document has no key {KEY_ID!r}"),
    "not AS2": BadContentType("content type 'text/html' is not application/activity+json", OWNER),
    "a private address": BlockedAddress("10.0.0.1 is not a public address", OWNER),
}


@pytest.mark.parametrize("failure", list(PERMANENT))
async def test_a_missing_key_stays_unknown(
    failure: str, svc: Services, keypair: tuple[str, str]
) -> None:
    fetch = FakeFetch(None, error=PERMANENT[failure])
    store = key_store(svc, fetch)
    for _ in range(3):
        with pytest.raises(UnknownKey):
            await post(store, keypair[0])
    assert fetch.calls == [KEY_ID]  # remembered for a while, as before


async def test_the_inbox_route_answers_503_with_retry_after(
    client: tuple[Client, Services], keypair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Quart inbox route (what other ASGI servers mount) says so as `impasto serve` does."""
    test_client, services = client
    fetch = FakeFetch(None, error=FetchTimeout("no answer within 10.0 s", OWNER))
    monkeypatch.setattr(receive, "fetch_key", lambda _svc, key_id: fetch(key_id))
    body = json.dumps(
        {"id": f"{OWNER}#likes/1", "type": "Like", "actor": OWNER, "object": OWNER}
    ).encode()
    url = f"{services.settings.instance.url}/inbox"
    headers = {**Signer(KEY_ID, keypair[0]).sign("POST", url, body)}
    response = await test_client.post("/inbox", data=body, headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(keys.RETRY_AFTER)
    assert "for now" in (await response.get_json())["error"]
