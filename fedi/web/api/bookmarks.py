"""POST /api/v1/statuses/:id/bookmark and /unbookmark, GET /api/v1/bookmarks and
/api/v1/favourites: a user's saved and liked statuses, newest first, paged by the bookmark's or
the like's id with `Link` headers (as Mastodon pages them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from quart import Blueprint, Response

from fedi.core.services import Services
from fedi.domain import bookmarks, status_reads
from fedi.domain.entities import statuses
from fedi.web.api.paging import paged, requested
from fedi.web.api.records import install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services
from storage.models import Account
from storage.timelines import Entry, Window

bp = Blueprint("api_bookmarks", __name__)
install(bp)
refuse_user_errors(bp)

Page = Callable[[Services, Account, Window], Awaitable[list[tuple[int, Entry]]]]
Mark = Callable[[Services, str, str], Awaitable[None]]


async def _marked(
    status_id: str, action: Callable[[Services, str, str], Awaitable[None]]
) -> Response:
    """Run `action` on a post the user may see (404 otherwise); its Status after."""
    svc, me = services(), acting_account()
    entry = await status_reads.post(svc, me, record_id(status_id))
    await action(svc, me.username, str(entry.post.id))
    fresh = await status_reads.post(svc, me, entry.post.id)
    return json_response(await statuses.one_status(svc, me, fresh))


@bp.post("/api/v1/statuses/<status_id>/bookmark")
@scoped("write:bookmarks")
async def bookmark(status_id: str) -> Response:
    """Bookmark the post; its Status, now `bookmarked`."""
    return await _marked(status_id, bookmarks.bookmark)


@bp.post("/api/v1/statuses/<status_id>/unbookmark")
@scoped("write:bookmarks")
async def unbookmark(status_id: str) -> Response:
    """Take the bookmark away; its Status."""
    return await _marked(status_id, bookmarks.unbookmark)


async def _listed(page: Page) -> Response:
    svc, me = services(), acting_account()
    rows = await page(svc, me, requested())
    found = await statuses.statuses(svc, me, [entry for _, entry in rows])
    return paged(found, [key for key, _ in rows])


@bp.get("/api/v1/bookmarks")
@scoped("read:bookmarks")
async def bookmarked() -> Response:
    """The user's bookmarked statuses, newest bookmark first."""
    return await _listed(bookmarks.bookmarks)


@bp.get("/api/v1/favourites")
@scoped("read:favourites")
async def favourites() -> Response:
    """The statuses the user liked, newest like first."""
    return await _listed(bookmarks.favourites)
