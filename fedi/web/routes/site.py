"""The site's own files (favicon, robots.txt) and its error pages, HTML or JSON."""

from __future__ import annotations

from pathlib import Path

from quart import Blueprint, Response, render_template, send_file
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from fedi.web.helpers import error, services, wants_json

bp = Blueprint("site", __name__)
STATIC = Path(__file__).resolve().parents[1] / "static"
# As Mastodon's: the public pages (profiles, posts, hashtag pages) may be crawled. /media/ holds
# the copies we keep of other servers' pictures beside our own (Mastodon keeps crawlers out of
# its /media_proxy/ for that reason), and a crawler finds each of our pictures on its page.
# GPTBot is kept out altogether, as Mastodon does.
ROBOTS = """\
User-agent: GPTBot
Disallow: /

User-agent: *
Disallow: /media/
"""
DAY = 24 * 60 * 60

# For the common statuses: the page's title and text, and the reason a JSON client gets.
_MESSAGES = {
    404: (
        "Not found",
        "There is nothing here: the address is mistyped, or what was here has been deleted.",
        "not found",
    ),
    405: (
        "Not allowed",
        "This address does not answer that kind of request.",
        "method not allowed",
    ),
    500: (
        "Something went wrong",
        "The server could not answer. The error has been logged; please try again later.",
        "internal server error",
    ),
}


@bp.get("/favicon.ico")
async def favicon() -> Response:
    """The site icon (a painter's palette), cached by browsers for a week."""
    response = await send_file(STATIC / "favicon.ico", mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = f"public, max-age={7 * DAY}"
    return response


@bp.get("/robots.txt")
async def robots() -> Response:
    """What crawlers may fetch."""
    response = Response(ROBOTS, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={DAY}"
    return response


@bp.app_errorhandler(HTTPException)
async def error_page(exc: HTTPException) -> Response:
    """Every HTTP error (500 included) as a page in the site's style, or as JSON for clients
    that ask for JSON, like the ActivityPub routes' own errors: {"error": reason}."""
    status = exc.code or 500
    title, text, reason = _MESSAGES.get(status, (exc.name, exc.description or "", exc.name))
    if wants_json():
        response = error(status, reason)
    else:
        page = await render_template(
            "error.html", status=status, title=title, text=text, settings=services().settings
        )
        response = Response(page, status=status, content_type="text/html; charset=utf-8")
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    response.headers["Vary"] = "Accept"
    return response
