"""Accounts: a local account never gains remote fields, whatever writes to it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fedi.core.services import Services
from storage import accounts
from storage.models import Account, LocalAccountError
from tests.support import rows

OURS = "http://127.0.0.1:8010/users/zed"


async def _local_zed(svc: Services) -> Account:
    async with svc.sessions.begin() as session:
        zed = rows.account(OURS, "zed", None, private_key_pem="private")
        session.add(zed)
    return zed


def _remote_fields(uri: str, username: str, domain: str | None) -> dict[str, Any]:
    """What fedi.federation.actors stores of a fetched actor document."""
    return {
        "uri": uri,
        "username": username,
        "domain": domain,
        "actor_type": "Person",
        "display_name": "Not Zed",
        "inbox_url": f"{uri}/inbox",
        "shared_inbox_url": None,
        "public_key_id": f"{uri}#other-key",
        "public_key_pem": "other",
        "manually_approves_followers": False,
    }


async def _stored(svc: Services, uri: str) -> Account | None:
    async with svc.reads() as session:
        return await session.scalar(select(Account).where(Account.uri == uri))


async def test_a_remote_actor_is_not_stored_over_a_local_account(svc: Services) -> None:
    await _local_zed(svc)
    with pytest.raises(LocalAccountError, match="local account"):
        async with svc.sessions.begin() as session:
            await accounts.upsert_remote(session, _remote_fields(OURS, "zed", "127.0.0.1:8010"))
    zed = await _stored(svc, OURS)
    assert zed is not None
    assert (zed.domain, zed.fetched_at, zed.display_name) == (None, None, "")
    assert (zed.public_key_id, zed.private_key_pem) == (f"{OURS}#main-key", "private")


async def test_a_remote_actor_without_a_domain_is_refused(svc: Services) -> None:
    uri = "https://remote.example/users/mallory"
    with pytest.raises(LocalAccountError, match="domain"):
        async with svc.sessions.begin() as session:
            await accounts.upsert_remote(session, _remote_fields(uri, "mallory", None))
    assert await _stored(svc, uri) is None


async def test_no_write_gives_a_local_account_a_domain(svc: Services) -> None:
    """The guard under every code path: an ORM flush that would make a local row remote (or a
    remote row local) fails, and nothing of it is written."""
    await _local_zed(svc)
    with pytest.raises(LocalAccountError):
        async with svc.sessions.begin() as session:
            zed = await session.scalar(select(Account).where(Account.uri == OURS))
            assert zed is not None
            zed.domain = "127.0.0.1:8010"
    stored = await _stored(svc, OURS)
    assert stored is not None and stored.domain is None

    uri = "https://remote.example/users/mallory"
    async with svc.sessions.begin() as session:
        await accounts.upsert_remote(session, _remote_fields(uri, "mallory", "remote.example"))
    with pytest.raises(LocalAccountError):
        async with svc.sessions.begin() as session:
            mallory = await session.scalar(select(Account).where(Account.uri == uri))
            assert mallory is not None
            mallory.domain = None
    stored = await _stored(svc, uri)
    assert stored is not None and stored.domain == "remote.example"


async def test_a_remote_actor_is_inserted_then_refreshed(svc: Services) -> None:
    uri = "https://remote.example/users/mallory"
    async with svc.sessions.begin() as session:
        first = await accounts.upsert_remote(
            session, _remote_fields(uri, "mallory", "remote.example")
        )
    async with svc.sessions.begin() as session:
        fields = {**_remote_fields(uri, "mallory", "remote.example"), "display_name": "M"}
        again = await accounts.upsert_remote(session, fields)
    assert again.id == first.id
    stored = await _stored(svc, uri)
    assert stored is not None and stored.display_name == "M" and stored.fetched_at is not None


async def test_one_server_may_give_two_actors_one_name(svc: Services) -> None:
    """Lemmy's user and community of one name: both arrive, each keyed by its actor id."""
    for path in ("u", "c"):
        uri = f"https://lemmy.example/{path}/foo"
        async with svc.sessions.begin() as session:
            await accounts.upsert_remote(session, _remote_fields(uri, "foo", "lemmy.example"))
    async with svc.reads() as session:
        found = (await session.execute(select(Account.uri).where(Account.username == "foo"))).all()
    assert sorted(uri for (uri,) in found) == [
        "https://lemmy.example/c/foo",
        "https://lemmy.example/u/foo",
    ]


async def test_a_local_name_is_taken_once(svc: Services) -> None:
    await _local_zed(svc)
    with pytest.raises(IntegrityError):
        async with svc.sessions.begin() as session:
            session.add(rows.account("http://127.0.0.1:8010/users/zed2", "zed", None))
