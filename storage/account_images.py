"""Remote actors' avatars and headers copied here (accounts.avatar_file and header_file), and
the queue that copies them (account_image_fetches rows). Each picture's row follows the URL
the actor publishes: a new or changed URL queues it again and drops the old copy, a worker
leases it (fedi.workers.account_images), and a copy is recorded only while it is still the
account's picture and its server is not blocked. Whoever drops a copy gets its file name, to
unlink once committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from .leases import PENDING, lease_due
from .models import Account, DomainBlock
from .timeutil import utcnow
from .work_models import AccountImageFetch

AVATAR, HEADER = "avatar", "header"
DONE, FAILED = "done", "failed"
# A picture whose copy failed for good is tried again when its actor is refreshed this long
# after (as Mastodon downloads a missing avatar again when it refreshes the account).
RETRY_FAILED_AFTER = timedelta(days=1)
# Each picture: the URL the actor publishes, and the column of our copy.
_COLUMNS: dict[str, tuple[InstrumentedAttribute[str | None], InstrumentedAttribute[str | None]]]
_COLUMNS = {
    AVATAR: (Account.icon_url, Account.avatar_file),
    HEADER: (Account.header_url, Account.header_file),
}


@dataclass(frozen=True)
class Due:
    """A remote actor's picture to copy now, and how many tries of it failed before."""

    id: int
    account_id: int
    domain: str  # the account's server
    kind: str  # avatar | header
    remote_url: str
    attempts: int


@dataclass(frozen=True)
class Followed:
    """What bringing an account's copies in line with its pictures did."""

    queued: int  # pictures queued for a copy
    stale: list[str]  # files of copies it no longer shows, to unlink once committed


def _url(account: Account, kind: str) -> str | None:
    return account.icon_url if kind == AVATAR else account.header_url


async def follow_pictures(session: AsyncSession, account: Account) -> Followed:
    """Bring a remote account's copies in line with the pictures it publishes now (the row
    was just stored): a new or changed URL is queued and the old copy dropped, a picture it no
    longer has drops its copy, and one whose copy failed for good over a day ago is tried
    again. Safe to run twice; the caller commits."""
    stmt = select(AccountImageFetch).where(AccountImageFetch.account_id == account.id)
    rows = {row.kind: row for row in (await session.scalars(stmt))}
    changed = [
        kind
        for kind in (AVATAR, HEADER)
        if _url(account, kind) != (rows[kind].remote_url if kind in rows else None)
    ]
    again = [row for kind, row in rows.items() if kind not in changed and _given_up(row)]
    for row in again:  # the same URL, no copy of it: nothing to drop
        _requeue(row, row.remote_url)
    if not changed:
        await session.flush()
        return Followed(len(again), [])
    # The copies as committed now (a worker may have recorded one since the row was read).
    await session.refresh(account, ["avatar_file", "header_file"], with_for_update=True)
    stale: list[str] = []
    for kind in changed:
        copy = _COLUMNS[kind][1].key
        if getattr(account, copy):
            stale.append(getattr(account, copy))
            setattr(account, copy, None)
        url = _url(account, kind)
        if url is None:
            await session.delete(rows[kind])
        elif kind in rows:
            _requeue(rows[kind], url)
        else:
            session.add(_queued(account.id, kind, url))
    await session.flush()
    queued = sum(_url(account, kind) is not None for kind in changed)
    return Followed(queued + len(again), stale)


def _given_up(row: AccountImageFetch) -> bool:
    # A row failed for good keeps the time of its last retry as next_attempt_at.
    return row.state == FAILED and row.next_attempt_at < utcnow() - RETRY_FAILED_AFTER


def _queued(account_id: int, kind: str, url: str) -> AccountImageFetch:
    return AccountImageFetch(
        account_id=account_id,
        kind=kind,
        remote_url=url,
        state=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )


def _requeue(row: AccountImageFetch, url: str) -> None:
    # A try of the old URL still running finds the row changed and records nothing.
    row.remote_url, row.state, row.attempts = url, PENDING, 0
    row.next_attempt_at, row.locked_until, row.last_error = utcnow(), None, None


async def claim(
    sessions: async_sessionmaker[AsyncSession], *, limit: int, lease: timedelta
) -> list[Due]:
    """Lease up to `limit` due copies to the caller (SKIP LOCKED on PostgreSQL)."""
    async with sessions.begin() as session:
        ids = await lease_due(session, AccountImageFetch, limit=limit, lease=lease)
        if not ids:
            return []
        fetch = AccountImageFetch
        columns = (fetch.id, fetch.account_id, Account.domain, fetch.kind, fetch.remote_url)
        stmt = (
            select(*columns, fetch.attempts)
            .join(Account, Account.id == fetch.account_id)
            .where(fetch.id.in_(ids))
            .order_by(fetch.next_attempt_at)
        )
        rows = (await session.execute(stmt)).all()
    return [Due(i, a, str(d), k, u, n) for i, a, d, k, u, n in rows]


async def cached(session: AsyncSession, item: Due, file_name: str) -> bool:
    """Record a copy as the account's picture; False if it is not kept (the account is gone,
    its picture changed or was copied meanwhile, or its server was blocked), and then the
    caller removes the file."""
    url, copy = _COLUMNS[item.kind]
    # The account is locked first: a change of its picture, a domain block or a delete that
    # commits meanwhile is waited for, and seen by the statements after it.
    found = await session.scalar(
        select(Account.domain)
        .where(Account.id == item.account_id, url == item.remote_url, copy.is_(None))
        .with_for_update()
    )
    kept = found is not None and not await _blocked(session, found)
    if kept:
        await session.execute(
            update(Account).where(Account.id == item.account_id).values({copy: file_name})
        )
    await _close(session, item, state=DONE, error=None)
    return kept


async def _blocked(session: AsyncSession, domain: str) -> bool:
    found = await session.scalar(select(DomainBlock.id).where(DomainBlock.domain == domain))
    return found is not None


async def failed(
    session: AsyncSession, item: Due, *, error: str, retry_at: datetime | None
) -> None:
    """Count a failed try: retried at `retry_at`, or (None) failed for good, the account then
    shown without that picture."""
    await _close(session, item, state=FAILED if retry_at is None else PENDING, error=error)
    if retry_at is not None:
        await session.execute(
            update(AccountImageFetch)
            .where(AccountImageFetch.id == item.id, AccountImageFetch.remote_url == item.remote_url)
            .values(next_attempt_at=retry_at)
        )


async def _close(session: AsyncSession, item: Due, *, state: str, error: str | None) -> None:
    # Only the try of the URL the row still names: a row queued again meanwhile stays pending.
    await session.execute(
        update(AccountImageFetch)
        .where(AccountImageFetch.id == item.id, AccountImageFetch.remote_url == item.remote_url)
        .values(
            state=state,
            attempts=AccountImageFetch.attempts + 1,
            locked_until=None,
            last_error=error[:2000] if error else None,
        )
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending copy can be taken: it is due and not leased (None when none
    waits)."""
    fetch = AccountImageFetch
    free_at = case(
        (fetch.locked_until > fetch.next_attempt_at, fetch.locked_until),
        else_=fetch.next_attempt_at,
    )
    due: datetime | None = await session.scalar(
        select(func.min(free_at)).where(fetch.state == PENDING)
    )
    return due


async def forget_domain(session: AsyncSession, domain: str) -> list[str]:
    """Drop the copies of a (blocked) server's accounts and their queued copies; returns the
    files to unlink once committed. Its accounts are locked first, so a copy being recorded
    meanwhile is either among the files or sees the block."""
    stmt = (
        select(Account.id, Account.avatar_file, Account.header_file)
        .where(Account.domain == domain)
        .with_for_update()
    )
    found = (await session.execute(stmt)).all()
    await _drop(session, [account_id for account_id, _, _ in found])
    return [name for _, *names in found for name in names if name]


async def _drop(session: AsyncSession, account_ids: Sequence[int]) -> None:
    for start in range(0, len(account_ids), 500):
        ids = account_ids[start : start + 500]
        await session.execute(
            update(Account).where(Account.id.in_(ids)).values(avatar_file=None, header_file=None)
        )
        await session.execute(
            delete(AccountImageFetch).where(AccountImageFetch.account_id.in_(ids))
        )
