"""/search?q=: accounts by the start of their name, hashtags, and, for someone signed in, an
account (`@user@host`) or a post or account (a URL) looked up on its server
(fedi.domain.search; visitors get what is stored here only)."""

from __future__ import annotations

from quart import Blueprint, render_template, request

from fedi.domain import search as searching
from fedi.web import sessions
from fedi.web.helpers import services
from fedi.web.pages.items import here, items, person

bp = Blueprint("search_pages", __name__)
MAX_QUERY = 512  # longer is no name, handle or URL we could find


@bp.get("/search")
async def index() -> str:
    """The search form, and what it found."""
    svc = services()
    viewer = await sessions.signed_in()
    text = request.args.get("q", "").strip()[:MAX_QUERY]
    found = searching.Results()
    if text:
        query = searching.Query(text=text, resolve=viewer is not None, limit=20)
        found = await searching.search(svc, viewer, query)
    return await render_template(
        "search.html",
        q=text,
        accounts=[person(svc, account) for account in found.accounts],
        hashtags=found.hashtags,
        items=await items(svc, viewer, found.statuses),
        here=here(),
        urls=svc.urls,
        settings=svc.settings,
    )
