"""What the admin pages read and change: local users and their standing, the admins'
overrides of config.toml, and the deliveries that keep failing, by server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .deliveries import FAILED, PENDING
from .models import Account, InstanceSetting, User
from .rows import rowcount
from .work_models import Delivery


async def is_admin(session: AsyncSession, account_id: int) -> bool:
    """Whether this local account's user is an admin."""
    stmt = select(User.is_admin).where(User.account_id == account_id)
    return bool(await session.scalar(stmt))


async def local_users(
    session: AsyncSession, *, exclude: str, limit: int | None = None, before: int | None = None
) -> list[tuple[Account, User]]:
    """Local accounts that can sign in or are suspended (deleted ones have no user row),
    newest first; `exclude` is the instance actor's name. A page: at most `limit`, those
    after the account `before` in that order (a keyset, so a page holds however many
    users there are)."""
    stmt = (
        select(Account, User)
        .join(User, User.account_id == Account.id)
        .where(Account.domain.is_(None), Account.username != exclude)
        .order_by(Account.created_at.desc(), Account.id.desc())
    )
    if before is not None:
        cursor = select(Account.created_at).where(Account.id == before).scalar_subquery()
        stmt = stmt.where(
            or_(
                Account.created_at < cursor,
                and_(Account.created_at == cursor, Account.id < before),
            )
        )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(account, user) for account, user in (await session.execute(stmt)).all()]


async def local_user(
    session: AsyncSession, username: str, *, exclude: str
) -> tuple[Account, User] | None:
    """The local account of this name (exactly) with its user row, if it can sign in or is
    suspended; None otherwise, and for `exclude`."""
    stmt = (
        select(Account, User)
        .join(User, User.account_id == Account.id)
        .where(Account.domain.is_(None), Account.username == username)
        .where(Account.username != exclude)
    )
    found = (await session.execute(stmt)).first()
    return (found[0], found[1]) if found is not None else None


async def set_suspended(session: AsyncSession, account_id: int, when: datetime | None) -> bool:
    """Suspend (a time) or unsuspend (None) a local user: `suspended_since`, never the
    deletion mark `suspended_at`; False when nothing changed (no such user, a deleted account,
    or already so)."""
    has_user = select(User.id).where(User.account_id == account_id).exists()
    state = Account.suspended_since.is_(None) if when else Account.suspended_since.is_not(None)
    stmt = (
        update(Account)
        .where(
            Account.id == account_id,
            Account.domain.is_(None),
            Account.suspended_at.is_(None),
            has_user,
            state,
        )
        .values(suspended_since=when)
    )
    return bool(rowcount(await session.execute(stmt)))


async def set_admin(session: AsyncSession, account_id: int, admin: bool) -> bool:
    """Make a local user an admin or not; False when there is no such user."""
    stmt = update(User).where(User.account_id == account_id).values(is_admin=admin)
    return bool(rowcount(await session.execute(stmt)))


async def overrides(session: AsyncSession) -> dict[str, object]:
    """The admins' overrides of config.toml settings, by key."""
    rows = await session.execute(select(InstanceSetting.key, InstanceSetting.value))
    return {key: value for key, value in rows.all()}


async def set_overrides(session: AsyncSession, values: Mapping[str, object | None]) -> None:
    """Store overrides; a None value removes one (config.toml's applies again)."""
    for key, value in values.items():
        await session.execute(delete(InstanceSetting).where(InstanceSetting.key == key))
        if value is not None:
            session.add(InstanceSetting(key=key, value=value))
    await session.flush()


@dataclass
class FailingServer:
    """Deliveries to one server that failed for good or are being retried."""

    domain: str
    oldest: datetime
    failed: int = 0
    retrying: int = 0
    last_error: str = ""
    last_status: int | None = None
    newest_id: int = 0


async def failing_servers(session: AsyncSession, limit: int = 200) -> list[FailingServer]:
    """Servers whose deliveries fail, most failures first: counts, the oldest failing
    delivery, and the last error seen."""
    troubled = (Delivery.state == FAILED) | ((Delivery.state == PENDING) & (Delivery.attempts > 0))
    stmt = (
        select(
            Delivery.inbox_url,
            Delivery.state,
            func.count(),
            func.min(Delivery.created_at),
            func.max(Delivery.id),
        )
        .where(troubled)
        .group_by(Delivery.inbox_url, Delivery.state)
    )
    found: dict[str, FailingServer] = {}
    for inbox, state, count, oldest, last_id in (await session.execute(stmt)).all():
        domain = (urlsplit(inbox).netloc or inbox).lower()
        server = found.setdefault(domain, FailingServer(domain, oldest))
        if state == FAILED:
            server.failed += int(count)
        else:
            server.retrying += int(count)
        server.oldest = min(server.oldest, oldest)
        server.newest_id = max(server.newest_id, int(last_id))
    by_id = {server.newest_id: server for server in found.values()}
    if by_id:
        last = select(Delivery.id, Delivery.last_error, Delivery.last_status).where(
            Delivery.id.in_(list(by_id))
        )
        for row_id, error, status in await session.execute(last):
            by_id[row_id].last_error, by_id[row_id].last_status = error or "", status
    servers = sorted(found.values(), key=lambda s: (-(s.failed + s.retrying), s.domain))
    return servers[:limit]
