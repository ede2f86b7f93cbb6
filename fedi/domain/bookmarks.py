"""Bookmarks: posts a local user saves for later, seen by them only and never federated (as
Mastodon's); and the pages of what a user bookmarked or liked, for the client API."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.lookup import find_post
from storage import saved
from storage.models import Account
from storage.timelines import Entry, Window


async def bookmark(svc: Services, username: str, reference: str) -> None:
    """Bookmark a post (the caller has checked the user may read it); again: no change."""
    post = await find_post(svc, reference, fetch=False)
    async with svc.sessions.begin() as session:
        user = await acting_user(session, username)
        await saved.add(session, user.id, post.id)


async def unbookmark(svc: Services, username: str, reference: str) -> None:
    """Take a bookmark away; one that is not there is no error (Mastodon answers the same)."""
    post = await find_post(svc, reference, fetch=False)
    async with svc.sessions.begin() as session:
        user = await acting_user(session, username)
        await saved.remove(session, user.id, post.id)


async def bookmarks(svc: Services, user: Account, window: Window) -> list[tuple[int, Entry]]:
    """(bookmark id, post) of the user's bookmarks they may still read, newest first."""
    async with svc.reads() as session:
        return await saved.bookmarks_page(session, user.id, window)


async def favourites(svc: Services, user: Account, window: Window) -> list[tuple[int, Entry]]:
    """(like id, post) of the posts the user liked and may still read, newest like first."""
    async with svc.reads() as session:
        return await saved.favourites_page(session, user.id, window)
