"""A local user's notifications for the client API: a page of them (filtered by kind or by
sender), one of them, and dismissing one or all."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain.records import RecordNotFound
from storage import notification_pages
from storage.models import Account
from storage.notification_pages import Kinds, Notice
from storage.timelines import Window


async def page(svc: Services, viewer: Account, window: Window, kinds: Kinds) -> list[Notice]:
    """The viewer's notifications in the window, newest first."""
    async with svc.reads() as session:
        return await notification_pages.page(session, viewer.id, window, kinds)


async def one(svc: Services, viewer: Account, notification_id: int) -> Notice:
    """One of the viewer's notifications; RecordNotFound when it has none with this id."""
    async with svc.reads() as session:
        found = await notification_pages.one(session, viewer.id, notification_id)
    if found is None:
        raise RecordNotFound(f"no notification {notification_id}")
    return found


async def dismiss(svc: Services, viewer: Account, notification_id: int) -> None:
    """Delete one of the viewer's notifications (Mastodon's dismiss deletes it)."""
    async with svc.sessions.begin() as session:
        if not await notification_pages.dismiss(session, viewer.id, notification_id):
            raise RecordNotFound(f"no notification {notification_id}")


async def clear(svc: Services, viewer: Account) -> int:
    """Delete all of the viewer's notifications; returns how many there were."""
    async with svc.sessions.begin() as session:
        return await notification_pages.clear(session, viewer.id)
