"""Status lists for a viewer, as timeline entries (posts, and boosts of them): the home
timeline, the public timelines, a hashtag's and an account's statuses. The client API serves
them as Mastodon statuses; the CLI could print them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain.account_reads import account, suspended
from fedi.domain.entities import statuses
from storage import feeds, home_reads
from storage.feeds import Where
from storage.models import Account
from storage.timelines import Entry, Window


def _id(viewer: Account | None) -> int | None:
    return viewer.id if viewer is not None else None


async def _home(session: AsyncSession, viewer: Account, window: Window) -> list[Entry]:
    return await home_reads.home(
        session,
        viewer.id,
        limit=window.limit,
        max_id=window.max_id,
        since_id=window.since_id,
        min_id=window.min_id,
    )


async def home(svc: Services, viewer: Account, window: Window) -> list[Entry]:
    """The viewer's own posts, those of the accounts it follows, and boosts by either (from
    its precomputed feed)."""
    async with svc.reads() as session:
        return await _home(session, viewer, window)


async def home_statuses(
    svc: Services, viewer: Account, window: Window
) -> tuple[list[Entry], list[dict[str, Any]]]:
    """The viewer's home page (as `home`) and its Status entities, read in one session (the
    client API serves it on every refresh: one snapshot, one connection taken)."""
    async with svc.reads() as session:
        entries = await _home(session, viewer, window)
        return entries, await statuses.statuses(svc, viewer, entries, session)


async def public(
    svc: Services, viewer: Account | None, window: Window, where: Where
) -> list[Entry]:
    """Public posts known here (`where.local`: made here; `where.remote`: elsewhere)."""
    async with svc.reads() as session:
        return await feeds.public(session, _id(viewer), window, where)


async def hashtag(
    svc: Services, viewer: Account | None, name: str, window: Window, where: Where
) -> list[Entry]:
    """Public posts with the hashtag `name` (no '#' needed; any case)."""
    async with svc.reads() as session:
        return await feeds.tagged(session, _id(viewer), name, window, where)


async def of_account(
    svc: Services, viewer: Account | None, account_id: int, window: Window, where: Where
) -> list[Entry]:
    """The account's posts the viewer may read, and its boosts; RecordNotFound when there is
    no such account to show; none of a suspended account's, as Mastodon."""
    if suspended(await account(svc, account_id, suspended_too=True)):
        return []
    async with svc.reads() as session:
        return await feeds.of_account(session, _id(viewer), account_id, window, where)
