"""Queries on accounts (local and remote actors) and their sign-in users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, LocalAccountError, User
from .timeutil import utcnow


async def local_account(
    session: AsyncSession, username: str, *, include_deleted: bool = False
) -> Account | None:
    """The local account with this username (case-insensitive), or None. A deleted account
    (kept, suspended, only to sign its farewell) counts only with `include_deleted`."""
    stmt = select(Account).where(
        Account.domain.is_(None), func.lower(Account.username) == username.lower()
    )
    if not include_deleted:
        stmt = stmt.where(Account.suspended_at.is_(None))
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_uri(session: AsyncSession, uri: str) -> Account | None:
    """The account whose actor id is `uri`, or None."""
    return (await session.execute(select(Account).where(Account.uri == uri))).scalar_one_or_none()


async def by_key_id(session: AsyncSession, key_id: str) -> Account | None:
    """The account that publishes the public key `key_id`, or None."""
    stmt = select(Account).where(Account.public_key_id == key_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def create_local(
    session: AsyncSession, *, admin: bool = False, password_hash: str | None, **fields: Any
) -> Account:
    """Insert a local account and its user row; the caller commits."""
    account = Account(domain=None, **fields)
    session.add(account)
    await session.flush()
    session.add(User(account_id=account.id, password_hash=password_hash, is_admin=admin))
    return account


async def upsert_remote(session: AsyncSession, fields: Mapping[str, Any]) -> Account:
    """Insert or refresh a remote account keyed by its actor id; the caller commits.
    LocalAccountError when the fields have no domain or the row is a local account: what
    fedi.federation.actors fetched never overwrites one of ours."""
    if not fields.get("domain"):
        raise LocalAccountError(f"a remote account needs a domain: {fields['uri']}")
    account = await by_uri(session, fields["uri"])
    if account is not None and account.is_local:
        raise LocalAccountError(f"{account.uri} is a local account, not a remote actor's copy")
    if account is None:
        account = Account(**fields, fetched_at=utcnow())
        session.add(account)
    else:
        for name, value in fields.items():
            setattr(account, name, value)
        account.fetched_at = utcnow()
    await session.flush()
    return account


async def delete_remote(session: AsyncSession, account_id: int) -> list[str]:
    """Delete a remote account's row (what refers to it goes by cascade); returns the files of
    its avatar and header copies, to unlink once committed. The names come from the DELETE
    itself: a copy recorded just before it is among them, one recorded after finds no row."""
    stmt = (
        delete(Account)
        .where(Account.id == account_id, Account.domain.is_not(None))
        .returning(Account.avatar_file, Account.header_file)
    )
    row = (await session.execute(stmt)).one_or_none()
    return [str(name) for name in row or () if name]


async def count_local(session: AsyncSession) -> int:
    """Number of local accounts (for NodeInfo)."""
    stmt = select(func.count()).select_from(Account).where(Account.domain.is_(None))
    return int((await session.execute(stmt)).scalar_one())
