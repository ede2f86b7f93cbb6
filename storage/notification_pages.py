"""A local user's notifications as the client API reads them: keyset-paged both ways, filtered
by kind and by sender, one at a time, and dismissed one by one or all at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .models import Account, Notification, Post
from .rows import rowcount
from .timelines import Window, shown


@dataclass(frozen=True)
class Notice:
    """A notification with who caused it, and the post it concerns with that post's author."""

    notification: Notification
    sender: Account
    post: Post | None
    author: Account | None


@dataclass(frozen=True)
class Kinds:
    """Which notifications to list: only these kinds (None: all), none of these, only from
    this account."""

    only: Sequence[str] | None = None
    excluded: Sequence[str] = ()
    from_account_id: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters as SQL conditions."""
        found: list[ColumnElement[bool]] = []
        if self.only is not None:
            found.append(Notification.kind.in_(list(self.only)))
        if self.excluded:
            found.append(Notification.kind.not_in(list(self.excluded)))
        if self.from_account_id is not None:
            found.append(Notification.from_account_id == self.from_account_id)
        return found


def _notices(account_id: int, *where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    sender, author = aliased(Account), aliased(Account)
    return (
        select(Notification, sender, Post, author)
        .join(sender, sender.id == Notification.from_account_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(author, author.id == Post.account_id)
        .where(Notification.account_id == account_id, shown(sender, account_id), *where)
    )


async def page(
    session: AsyncSession, account_id: int, window: Window, kinds: Kinds
) -> list[Notice]:
    """The account's notifications in the window, newest first."""
    stmt = window.apply(_notices(account_id, *kinds.conditions()), Notification.id)
    found = [Notice(*row) for row in await session.execute(stmt)]
    return found[::-1] if window.upward else found


async def one(session: AsyncSession, account_id: int, notification_id: int) -> Notice | None:
    """The account's notification with this id, or None."""
    stmt = _notices(account_id, Notification.id == notification_id)
    row = (await session.execute(stmt)).first()
    return Notice(*row) if row is not None else None


async def dismiss(session: AsyncSession, account_id: int, notification_id: int) -> bool:
    """Delete one of the account's notifications; False when it has none with this id."""
    stmt = delete(Notification).where(
        Notification.account_id == account_id, Notification.id == notification_id
    )
    return bool(rowcount(await session.execute(stmt)))


async def clear(session: AsyncSession, account_id: int) -> int:
    """Delete all of the account's notifications; returns how many there were."""
    stmt = delete(Notification).where(Notification.account_id == account_id)
    return rowcount(await session.execute(stmt))
