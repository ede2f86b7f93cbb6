"""The timelines as pages: /home (signed in: one's own posts, those of whom one follows, and
boosts by either), /local (public posts made here) and /federated (public posts known here),
newest first with 'Older' paging by keyset; and the count of newer entries that
static/timeline.js asks for to announce them."""

from __future__ import annotations

from quart import Blueprint, Response, abort, redirect, render_template
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import timeline_reads
from fedi.web import sessions
from fedi.web.helpers import id_arg, json_response, services
from fedi.web.pages.items import here, items
from storage.feeds import Where
from storage.models import Account
from storage.timelines import Entry, Window

bp = Blueprint("timeline_pages", __name__)
PAGE_SIZE = 20
NEWER_MAX = 40  # "40 new posts" at most: the page shows them all once reloaded anyway
TITLES = {
    "home": "Home",
    "local": "Local: pictures made here",
    "federated": "Federated: public posts known here",
}


async def _entries(viewer: Account | None, kind: str, window: Window) -> list[Entry]:
    svc = services()
    if kind == "home":
        assert viewer is not None
        return await timeline_reads.home(svc, viewer, window)
    return await timeline_reads.public(svc, viewer, window, Where(local=kind == "local"))


async def _page(kind: str) -> str | WerkzeugResponse:
    viewer = await sessions.signed_in()
    if kind == "home" and viewer is None:
        return redirect(f"/auth/sign_in?next=/{kind}")
    entries = await _entries(viewer, kind, Window(limit=PAGE_SIZE, max_id=id_arg("max_id")))
    svc = services()
    return await render_template(
        "timeline.html",
        kind=kind,
        title=TITLES[kind],
        items=await items(svc, viewer, entries),
        newest=entries[0].id if entries and id_arg("max_id") is None else None,
        more=entries[-1].id if len(entries) == PAGE_SIZE else None,
        here=here(),
        urls=svc.urls,
        settings=svc.settings,
    )


@bp.get("/home")
async def home() -> str | WerkzeugResponse:
    """The signed-in person's home timeline."""
    return await _page("home")


@bp.get("/local")
async def local() -> str | WerkzeugResponse:
    """Public posts made here (anyone may read it)."""
    return await _page("local")


@bp.get("/federated")
async def federated() -> str | WerkzeugResponse:
    """Public posts known here, from here and elsewhere (anyone may read it)."""
    return await _page("federated")


@bp.get("/timelines/<kind>/newer")
async def newer(kind: str) -> Response:
    """How many entries are newer than `since_id` ({"count": n}, at most NEWER_MAX): what
    static/timeline.js polls to say "N new posts"."""
    if kind not in TITLES:
        abort(404)
    viewer = await sessions.signed_in()
    if kind == "home" and viewer is None:
        return json_response({"error": "sign in to read your home timeline"}, status=401)
    since = id_arg("since_id")
    if since is None:
        return json_response({"count": 0})
    entries = await _entries(viewer, kind, Window(limit=NEWER_MAX, since_id=since))
    return json_response({"count": len(entries)})
