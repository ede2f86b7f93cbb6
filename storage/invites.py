"""Queries for invitations to sign up: made by an admin, used up by sign-ups, revoked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .auth_models import Invite


def _usable(code_hash: str, now: datetime) -> list[ColumnElement[bool]]:
    """The invite with this hash, not revoked, not expired, not used up."""
    return [
        Invite.code_hash == code_hash,
        Invite.revoked_at.is_(None),
        or_(Invite.expires_at.is_(None), Invite.expires_at > now),
        or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
    ]


async def add(
    session: AsyncSession,
    code_hash: str,
    *,
    created_by_id: int | None,
    max_uses: int | None,
    expires_at: datetime | None,
) -> Invite:
    """Record a new invite; the caller commits."""
    invite = Invite(
        code_hash=code_hash, created_by_id=created_by_id, max_uses=max_uses, expires_at=expires_at
    )
    session.add(invite)
    await session.flush()
    return invite


async def use(session: AsyncSession, code_hash: str, now: datetime) -> bool:
    """Count one sign-up against the invite with this hash, if it is still valid (not revoked,
    not expired, not used up). One UPDATE, so two sign-ups cannot both take its last use."""
    stmt = update(Invite).where(*_usable(code_hash, now)).values(uses=Invite.uses + 1)
    return bool(getattr(await session.execute(stmt), "rowcount", 0))


async def valid(session: AsyncSession, code_hash: str, now: datetime) -> Invite | None:
    """The invite with this hash if it can still be used, else None."""
    stmt = select(Invite).where(*_usable(code_hash, now))
    return (await session.execute(stmt)).scalar_one_or_none()


async def listed(session: AsyncSession) -> Sequence[Invite]:
    """Every invite, newest first."""
    return list((await session.execute(select(Invite).order_by(Invite.id.desc()))).scalars())


async def revoke(session: AsyncSession, invite_id: int, now: datetime) -> bool:
    """Revoke an invite; False when there is no such (unrevoked) invite."""
    stmt = (
        update(Invite)
        .where(Invite.id == invite_id, Invite.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(getattr(await session.execute(stmt), "rowcount", 0))


async def give_back(session: AsyncSession, code_hash: str) -> None:
    """Undo one use (the sign-up it was counted for failed)."""
    stmt = (
        update(Invite)
        .where(Invite.code_hash == code_hash, Invite.uses > 0)
        .values(uses=Invite.uses - 1)
    )
    await session.execute(stmt)
