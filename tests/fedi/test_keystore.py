"""KeyStore with the verifier: a rotated key is picked up by one refresh, and refreshes are
rate-limited per key id. The network fetch (`KeyStore._fetch`) is replaced; the database is real."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from activitypub.keys import PublicKey, generate_rsa_keypair
from activitypub.signatures import (
    BadSignature,
    Signer,
    UnknownKey,
    VerifiedRequest,
    verify_request,
)
from fedi import remote
from fedi.remote import KeyStore
from fedi.services import Services

HOST = "social.example"
OWNER = "https://remote.example/users/alice"
KEY_ID = f"{OWNER}#main-key"
BODY = b'{"type":"Follow"}'


@dataclass
class FakeFetch:
    """Stands in for the signed GET of the key document; `current` is what the server publishes."""

    current: PublicKey | None
    calls: list[str] = field(default_factory=list)

    async def __call__(self, key_id: str) -> PublicKey | None:
        self.calls.append(key_id)
        return self.current


@pytest.fixture(scope="module")
def old_keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


@pytest.fixture(scope="module")
def attacker_keypair() -> tuple[str, str]:
    return generate_rsa_keypair()


async def post(store: KeyStore, private_pem: str) -> VerifiedRequest:
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
    store = KeyStore(svc)
    fetch = FakeFetch(PublicKey(KEY_ID, OWNER, old_keypair[1]))
    monkeypatch.setattr(store, "_fetch", fetch)

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
    monkeypatch.setattr(remote, "REFRESH_INTERVAL", 0.01)
    await asyncio.sleep(0.02)
    with pytest.raises(BadSignature):
        await post(store, attacker_keypair[0])
    assert len(fetch.calls) == 3


async def test_refresh_allowance_is_per_key_id(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore(svc)
    fetch = FakeFetch(None)
    monkeypatch.setattr(store, "_fetch", fetch)
    other = "https://remote.example/users/bob#main-key"

    assert await store.lookup(KEY_ID, True) is None
    assert await store.lookup(KEY_ID, True) is None
    assert await store.lookup(other, True) is None

    assert fetch.calls == [KEY_ID, other]


async def test_a_flood_naming_an_unreachable_key_makes_one_fetch(
    svc: Services, monkeypatch: pytest.MonkeyPatch, attacker_keypair: tuple[str, str]
) -> None:
    store = KeyStore(svc)
    fetch = FakeFetch(None)  # the key's server does not answer with a key
    monkeypatch.setattr(store, "_fetch", fetch)

    for _ in range(5):
        with pytest.raises(UnknownKey):
            await post(store, attacker_keypair[0])
    assert fetch.calls == [KEY_ID]

    # The key appears later: after the interval it is fetched and verifies.
    fetch.current = PublicKey(KEY_ID, OWNER, attacker_keypair[1])
    monkeypatch.setattr(remote, "REFRESH_INTERVAL", 0.01)
    await asyncio.sleep(0.02)
    assert (await post(store, attacker_keypair[0])).owner == OWNER
    assert fetch.calls == [KEY_ID, KEY_ID]


async def test_an_actor_that_cannot_be_stored_is_an_unknown_key(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def clash(key_id: str) -> PublicKey | None:
        raise IntegrityError("INSERT INTO accounts", {}, Exception("UNIQUE constraint failed"))

    store = KeyStore(svc)
    monkeypatch.setattr(store, "_fetch", clash)
    assert await store.lookup(KEY_ID, False) is None  # the inbox answers 401, not 500
