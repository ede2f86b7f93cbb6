"""Queries on OAuth applications, authorization codes and access tokens (kept hashed)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .auth_models import OAuthApplication, OAuthCode, OAuthToken
from .models import Account
from .timeutil import utcnow


async def add_application(session: AsyncSession, **fields: Any) -> OAuthApplication:
    """Insert an application; the caller commits."""
    app = OAuthApplication(**fields)
    session.add(app)
    await session.flush()
    return app


async def application_by_client_id(
    session: AsyncSession, client_id: str
) -> OAuthApplication | None:
    """The application with this public client id, or None."""
    stmt = select(OAuthApplication).where(OAuthApplication.client_id == client_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def application_by_id(session: AsyncSession, app_id: int) -> OAuthApplication | None:
    """The application with this id, or None."""
    return await session.get(OAuthApplication, app_id)


async def add_code(session: AsyncSession, **fields: Any) -> OAuthCode:
    """Insert an authorization code; the caller commits."""
    code = OAuthCode(**fields)
    session.add(code)
    await session.flush()
    return code


async def code_by_hash(session: AsyncSession, code_hash: str) -> OAuthCode | None:
    """The code whose hash this is, or None."""
    stmt = select(OAuthCode).where(OAuthCode.code_hash == code_hash)
    return (await session.execute(stmt)).scalar_one_or_none()


async def use_code(session: AsyncSession, code_id: int, at: datetime) -> bool:
    """Mark a code used; False when it was used already (by a racing request too)."""
    stmt = (
        update(OAuthCode)
        .where(OAuthCode.id == code_id, OAuthCode.used_at.is_(None))
        .values(used_at=at)
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def link_code(session: AsyncSession, code_id: int, token_id: int) -> None:
    """Remember which token a code became."""
    await session.execute(
        update(OAuthCode).where(OAuthCode.id == code_id).values(token_id=token_id)
    )


async def add_token(session: AsyncSession, **fields: Any) -> OAuthToken:
    """Insert an access token; the caller commits."""
    token = OAuthToken(**fields)
    session.add(token)
    await session.flush()
    return token


async def live_token(session: AsyncSession, token_hash: str) -> OAuthToken | None:
    """The unrevoked token whose hash this is, or None."""
    stmt = select(OAuthToken).where(
        OAuthToken.token_hash == token_hash, OAuthToken.revoked_at.is_(None)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def token_by_hash(session: AsyncSession, token_hash: str) -> OAuthToken | None:
    """The token whose hash this is, revoked or not, or None."""
    stmt = select(OAuthToken).where(OAuthToken.token_hash == token_hash)
    return (await session.execute(stmt)).scalar_one_or_none()


@cache
def _with_account() -> Select[OAuthToken, Account | None]:
    """The token of the hash `hash` and its account (built once: every API request reads it)."""
    return (
        select(OAuthToken, Account)
        .outerjoin(Account, Account.id == OAuthToken.account_id)
        .where(OAuthToken.token_hash == bindparam("hash"))
    )


async def token_with_account(
    session: AsyncSession, token_hash: str
) -> tuple[OAuthToken, Account | None] | None:
    """The token whose hash this is, revoked or not, and the account it acts for (None for
    an app-only token), in one statement; None when there is no such token."""
    row = (await session.execute(_with_account(), {"hash": token_hash})).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def revoke_token(session: AsyncSession, token_id: int) -> None:
    """Revoke a token (kept, so a revoked token is told apart from an unknown one)."""
    stmt = (
        update(OAuthToken)
        .where(OAuthToken.id == token_id, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await session.execute(stmt)
