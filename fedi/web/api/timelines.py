"""GET /api/v1/timelines/home (signed in), /public and /tag/:hashtag (public, as Mastodon's
default `timelines_access` has them), paged."""

from __future__ import annotations

from collections.abc import Sequence

from quart import Blueprint, Response

from fedi.domain import timeline_reads
from fedi.domain.entities import statuses
from fedi.web.api.paging import paged, requested
from fedi.web.api.records import flag, install
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.api.viewer import scoped_if_token, viewer
from fedi.web.helpers import services
from storage.feeds import Where
from storage.models import Account
from storage.timelines import Entry

bp = Blueprint("api_timelines", __name__)
install(bp)


async def _page(reader: Account | None, entries: Sequence[Entry]) -> Response:
    found = await statuses.statuses(services(), reader, entries)
    return paged(found, [entry.id for entry in entries])


def _where() -> Where:
    return Where(local=flag("local"), remote=flag("remote"), only_media=flag("only_media"))


@bp.get("/api/v1/timelines/home")
@scoped("read:statuses", one_read=True)
async def home() -> Response:
    """The signed-in user's posts, those of whom they follow, and boosts by either."""
    entries, found = await timeline_reads.home_statuses(services(), acting_account(), requested())
    return paged(found, [entry.id for entry in entries])


@bp.get("/api/v1/timelines/public")
@scoped_if_token("read:statuses")
async def public() -> Response:
    """Public posts (`local`: this server's; `remote`: others'; `only_media`)."""
    entries = await timeline_reads.public(services(), viewer(), requested(), _where())
    return await _page(viewer(), entries)


@bp.get("/api/v1/timelines/tag/<hashtag>")
@scoped_if_token("read:statuses")
async def tag(hashtag: str) -> Response:
    """Public posts with the hashtag (an unknown one has none: an empty list, as Mastodon)."""
    window, where = requested(), _where()
    entries = await timeline_reads.hashtag(services(), viewer(), hashtag, window, where)
    return await _page(viewer(), entries)
