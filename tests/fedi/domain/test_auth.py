"""Passwords, sign-in throttling and web sessions, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update

from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain import auth
from fedi.domain.accounts import create_user, ensure_instance_actor
from storage import sign_ins
from storage.auth_models import SignInFailure
from storage.models import Account
from tests.support.oauth import PASSWORD, all_text


@pytest.fixture
async def alice(svc: Services) -> Services:
    await create_user(svc, "alice", password=PASSWORD)
    return svc


async def test_a_right_password_opens_a_session_kept_only_as_a_hash(alice: Services) -> None:
    signed = await auth.sign_in(alice, "Alice", PASSWORD, "192.0.2.1")  # names: any case
    assert signed.account.username == "alice"
    assert (await auth.session_account(alice, signed.session_token)).username == "alice"  # type: ignore[union-attr]
    async with alice.reads() as session:
        stored = await all_text(session, ["web_sessions"])
    assert auth.digest(signed.session_token) in stored and signed.session_token not in stored
    await auth.sign_out(alice, signed.session_token)
    assert await auth.session_account(alice, signed.session_token) is None


async def test_each_sign_in_is_a_new_session(alice: Services) -> None:
    one = await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    two = await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    assert one.session_token != two.session_token


@pytest.mark.parametrize(("name", "password"), [("alice", "nope nope"), ("nobody", PASSWORD)])
async def test_wrong_pairs_say_the_same(alice: Services, name: str, password: str) -> None:
    with pytest.raises(auth.SignInError, match="Wrong username or password"):
        await auth.sign_in(alice, name, password, "192.0.2.1")


async def test_the_account_limit_holds_for_the_window_then_lifts(alice: Services) -> None:
    for n in range(auth.ACCOUNT_LIMIT):
        with pytest.raises(auth.SignInError):
            await auth.sign_in(alice, "alice", "bad", f"192.0.2.{n}")
    with pytest.raises(auth.SignInThrottled) as throttled:
        await auth.sign_in(alice, "alice", PASSWORD, "198.51.100.1")
    assert 0 < throttled.value.retry_after <= auth.WINDOW.total_seconds() + 1
    async with alice.sessions.begin() as session:  # the window moves on
        await session.execute(update(SignInFailure).values(created_at=auth.utcnow() - auth.WINDOW))
    assert (await auth.sign_in(alice, "alice", PASSWORD, "198.51.100.1")).account


async def test_the_address_limit_counts_every_name(alice: Services) -> None:
    for n in range(auth.ADDRESS_LIMIT):
        with pytest.raises(auth.SignInError):
            await auth.sign_in(alice, f"user{n}", "bad", "203.0.113.7")
    with pytest.raises(auth.SignInThrottled):
        await auth.sign_in(alice, "alice", PASSWORD, "203.0.113.7")
    assert await auth.sign_in(alice, "alice", PASSWORD, "203.0.113.8")


async def test_a_success_clears_the_account_count_but_not_the_address(alice: Services) -> None:
    for _ in range(auth.ACCOUNT_LIMIT - 1):
        with pytest.raises(auth.SignInError):
            await auth.sign_in(alice, "alice", "bad", "192.0.2.9")
    await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.9")
    async with alice.reads() as session:
        since = auth.utcnow() - timedelta(hours=1)
        account = await sign_ins.failures_since(session, "account", auth.digest("alice"), since)
        address = await sign_ins.failures_since(session, "address", auth.digest("192.0.2.9"), since)
    assert account[0] == 0 and address[0] == auth.ACCOUNT_LIMIT - 1


async def test_suspended_deleted_and_reserved_accounts_cannot_sign_in(alice: Services) -> None:
    actor = await ensure_instance_actor(alice)
    async with alice.sessions.begin() as session:  # even with a password hash somehow set
        await sign_ins.set_password_hash(session, actor.id, PasswordHasher().hash(PASSWORD))
    with pytest.raises(auth.SignInError):
        await auth.sign_in(alice, INSTANCE_ACTOR, PASSWORD, "192.0.2.1")
    signed = await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    async with alice.sessions.begin() as session:
        await session.execute(update(Account).values(suspended_at=auth.utcnow()))
    with pytest.raises(auth.SignInError):
        await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    assert await auth.session_account(alice, signed.session_token) is None


async def test_a_new_password_replaces_the_old_and_ends_sessions(alice: Services) -> None:
    signed = await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    await auth.set_password(alice, "alice", "a brand new one")
    assert await auth.session_account(alice, signed.session_token) is None
    with pytest.raises(auth.SignInError):
        await auth.sign_in(alice, "alice", PASSWORD, "192.0.2.1")
    assert await auth.sign_in(alice, "alice", "a brand new one", "192.0.2.1")
    with pytest.raises(auth.SignInError, match="at least"):
        await auth.set_password(alice, "alice", "short")
    async with alice.reads() as session:
        assert "$argon2" in await all_text(session, ["users"])
