"""The sign-in and OAuth queries: a code is used once even by racing requests, failures are
counted in their window, sessions end."""

from __future__ import annotations

from datetime import timedelta

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from storage import oauth, sign_ins
from storage.timeutil import utcnow


async def test_a_code_is_used_once(svc: Services) -> None:
    account = await create_user(svc, "alice")
    async with svc.sessions.begin() as session:
        app = await oauth.add_application(
            session,
            name="a",
            redirect_uris="x:/y",
            scopes="read",
            client_id="c",
            client_secret_hash="h",
        )
        code = await oauth.add_code(
            session,
            code_hash="k",
            application_id=app.id,
            account_id=account.id,
            redirect_uri="x:/y",
            scopes="read",
            expires_at=utcnow() + timedelta(minutes=1),
        )
    async with svc.sessions.begin() as session:
        assert await oauth.use_code(session, code.id, utcnow()) is True
    async with svc.sessions.begin() as session:
        assert await oauth.use_code(session, code.id, utcnow()) is False
        assert (await oauth.code_by_hash(session, "k")).used_at is not None  # type: ignore[union-attr]


async def test_failures_are_counted_in_their_window(svc: Services) -> None:
    async with svc.sessions.begin() as session:
        for _ in range(3):
            await sign_ins.add_failure(session, "address", "a")
        await sign_ins.add_failure(session, "account", "a")
    async with svc.reads() as session:
        count, oldest = await sign_ins.failures_since(
            session, "address", "a", utcnow() - timedelta(minutes=1)
        )
        later, _ = await sign_ins.failures_since(
            session, "address", "a", utcnow() + timedelta(minutes=1)
        )
    assert count == 3 and oldest is not None and oldest.tzinfo is not None and later == 0
    async with svc.sessions.begin() as session:
        await sign_ins.prune_failures(session, utcnow() + timedelta(seconds=1))
    async with svc.reads() as session:
        assert (await sign_ins.failures_since(session, "account", "a", utcnow() - timedelta(1)))[
            0
        ] == 0


async def test_sessions_end_one_or_all(svc: Services) -> None:
    account = await create_user(svc, "alice")
    async with svc.sessions.begin() as session:
        for name in ("s1", "s2", "s3"):
            await sign_ins.add_session(session, name, account.id)
        await sign_ins.end_session(session, "s1")
    async with svc.reads() as session:
        assert await sign_ins.session_account(session, "s1") is None
        assert (await sign_ins.session_account(session, "s2")).id == account.id  # type: ignore[union-attr]
    async with svc.sessions.begin() as session:
        await sign_ins.end_sessions_of(session, account.id)
    async with svc.reads() as session:
        assert await sign_ins.session_account(session, "s3") is None
