"""Search over what is stored: accounts by the start of their name, hashtags by the start of
theirs. Posts are not searched by their text (Mastodon does that only with Elasticsearch); a
post is found by its URL, in fedi.domain.search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Follow, PostTag
from .timelines import shown


@dataclass(frozen=True)
class AccountQuery:
    """Accounts whose username or display name starts with `text` (case-insensitive); with
    `domain`, only those of a server whose name starts with it ("" names this server)."""

    text: str
    domain: str | None = None
    following_of: int | None = None  # only accounts this one follows
    viewer_id: int | None = None  # not those the viewer blocks
    hidden_name: str = ""  # a local username never listed (the instance actor)


def _escaped(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starts(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).like(f"{_escaped(text)}%", escape="\\")


async def accounts(
    session: AsyncSession, query: AccountQuery, *, limit: int, offset: int = 0
) -> list[Account]:
    """The accounts matching `query`: an exact username first, then local before remote,
    then by username."""
    name_matches = _starts(Account.username, query.text)
    if query.domain is None:
        name_matches = or_(name_matches, _starts(Account.display_name, query.text))
    stmt = select(Account).where(name_matches, shown(Account, query.viewer_id))
    if query.domain == "":
        stmt = stmt.where(Account.domain.is_(None))
    elif query.domain is not None:
        stmt = stmt.where(_starts(Account.domain, query.domain))
    if query.hidden_name:
        stmt = stmt.where(
            or_(Account.domain.is_not(None), func.lower(Account.username) != query.hidden_name)
        )
    if query.following_of is not None:
        followed = select(Follow.target_id).where(
            Follow.follower_id == query.following_of, Follow.state == "accepted"
        )
        stmt = stmt.where(Account.id.in_(followed))
    exact = case((func.lower(Account.username) == query.text.lower(), 0), else_=1)
    remote = case((Account.domain.is_(None), 0), else_=1)
    stmt = stmt.order_by(exact, remote, func.lower(Account.username), Account.id)
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())


async def hashtags(session: AsyncSession, prefix: str, *, limit: int, offset: int = 0) -> list[str]:
    """Names of stored hashtags starting with `prefix` (stored lower case), shortest first."""
    stmt = (
        select(PostTag.name)
        .where(PostTag.name.like(f"{_escaped(prefix)}%", escape="\\"))
        .group_by(PostTag.name)
        .order_by(func.length(PostTag.name), PostTag.name)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(stmt)).scalars())
