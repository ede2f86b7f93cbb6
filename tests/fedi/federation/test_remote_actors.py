"""Cached remote actors: used while fresh, fetched again when a day old, kept when their server
does not answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activitypub.actors import ActorParseError
from activitypub.http import ConnectError
from fedi.core.services import Services
from fedi.domain.accounts import ensure_instance_actor
from fedi.federation import actors as remote
from storage import accounts
from storage.models import Account
from storage.timeutil import utcnow
from tests.support.peer import Peer

URI = "https://remote.example/users/bob"


async def _cached(svc: Services, age: timedelta) -> Account:
    account = Account(
        uri=URI,
        username="bob",
        domain="remote.example",
        display_name="Bob (cached)",
        inbox_url=f"{URI}/inbox",
        public_key_id=f"{URI}#main-key",
        public_key_pem="-",
        fetched_at=utcnow() - age,
    )
    async with svc.sessions.begin() as session:
        session.add(account)
    return account


@pytest.mark.parametrize(
    ("age", "answers", "fetched", "name"),
    [
        (timedelta(hours=1), True, False, "Bob (cached)"),
        (timedelta(days=2), True, True, "Bob (fresh)"),
        (timedelta(days=2), False, True, "Bob (cached)"),
    ],
    ids=["fresh-copy-used", "stale-copy-refreshed", "stale-copy-kept-when-server-is-down"],
)
async def test_get_actor_refreshes_stale_copies(
    svc: Services,
    monkeypatch: pytest.MonkeyPatch,
    age: timedelta,
    answers: bool,
    fetched: bool,
    name: str,
) -> None:
    cached = await _cached(svc, age)
    calls: list[str] = []

    async def fetch_actor(_svc: Services, uri: str) -> Account:
        calls.append(uri)
        if not answers:
            raise ConnectError("connection refused", uri)
        cached.display_name = "Bob (fresh)"
        return cached

    monkeypatch.setattr(remote, "fetch_actor", fetch_actor)
    account = await remote.get_actor(svc, URI)
    assert calls == ([URI] if fetched else [])
    assert account.display_name == name


async def test_an_actor_url_that_redirects_to_another_actor_is_refused(svc: Services) -> None:
    await ensure_instance_actor(svc)  # fetches are signed by the instance actor
    peer = await Peer().start()
    try:
        mallory, victim = peer.add_actor("mallory"), peer.add_actor("victim")
        peer.redirects["mallory"] = victim.id  # mallory's server answers with someone else
        with pytest.raises(ActorParseError, match="answered with another actor"):
            await remote.fetch_actor(svc, mallory.id)
        async with svc.reads() as session:
            assert await accounts.by_uri(session, victim.id) is None  # nothing stored
    finally:
        await peer.stop()
