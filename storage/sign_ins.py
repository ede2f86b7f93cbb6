"""Queries for signing in: password hashes, web sessions, and failed attempts in a window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .auth_models import SignInFailure, WebSession
from .models import Account, User


async def user_of(session: AsyncSession, account_id: int) -> User | None:
    """The sign-in row of a local account, or None."""
    stmt = select(User).where(User.account_id == account_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_password_hash(session: AsyncSession, account_id: int, password_hash: str) -> bool:
    """Store a new password hash; False when the account has no user row."""
    stmt = update(User).where(User.account_id == account_id).values(password_hash=password_hash)
    return bool(getattr(await session.execute(stmt), "rowcount", 0))


async def add_session(session: AsyncSession, token_hash: str, account_id: int) -> None:
    """Record a signed-in browser; the caller commits."""
    session.add(WebSession(token_hash=token_hash, account_id=account_id))
    await session.flush()


async def session_account(session: AsyncSession, token_hash: str) -> Account | None:
    """The account a web session belongs to, or None for an unknown session."""
    stmt = (
        select(Account)
        .join(WebSession, WebSession.account_id == Account.id)
        .where(WebSession.token_hash == token_hash)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def end_session(session: AsyncSession, token_hash: str) -> None:
    """Forget a web session (sign-out)."""
    await session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


async def end_sessions_of(session: AsyncSession, account_id: int) -> None:
    """Forget every web session of an account (its password changed)."""
    await session.execute(delete(WebSession).where(WebSession.account_id == account_id))


async def add_failure(session: AsyncSession, kind: str, key: str) -> None:
    """Count one failed sign-in against `key`."""
    session.add(SignInFailure(kind=kind, key=key))
    await session.flush()


async def failures_since(
    session: AsyncSession, kind: str, key: str, since: datetime
) -> tuple[int, datetime | None]:
    """How many failures `key` had since `since`, and the oldest of them."""
    stmt = select(func.count(), func.min(SignInFailure.created_at)).where(
        SignInFailure.kind == kind, SignInFailure.key == key, SignInFailure.created_at >= since
    )
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


async def clear_failures(session: AsyncSession, kind: str, key: str) -> None:
    """Forget the failures of `key` (it signed in)."""
    stmt = delete(SignInFailure).where(SignInFailure.kind == kind, SignInFailure.key == key)
    await session.execute(stmt)


async def prune_failures(session: AsyncSession, before: datetime) -> None:
    """Drop failures older than any window that counts them."""
    await session.execute(delete(SignInFailure).where(SignInFailure.created_at < before))
