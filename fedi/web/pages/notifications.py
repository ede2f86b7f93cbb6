"""/notifications for the signed-in person: who followed or asked to, mentioned or answered
them, boosted or liked their posts, and when, newest first with 'Older' paging."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

import nh3
from quart import Blueprint, redirect, render_template
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import notification_reads
from fedi.web import sessions
from fedi.web.helpers import id_arg, services
from fedi.web.pages.items import Person, person, post_path
from storage import notifications as kinds
from storage.models import Post
from storage.notification_pages import Kinds
from storage.timelines import Window

bp = Blueprint("notification_pages", __name__)
PAGE_SIZE = 30
WHAT = {
    kinds.FOLLOW: "followed you",
    kinds.FOLLOW_REQUEST: "asked to follow you",
    kinds.MENTION: "mentioned you",
    kinds.REPLY: "replied to your post",
    kinds.BOOST: "boosted your post",
    kinds.LIKE: "liked your post",
}
ICONS = {  # plain symbols: every font has them (emoji may show as empty boxes)
    kinds.FOLLOW: "+",
    kinds.FOLLOW_REQUEST: "?",
    kinds.MENTION: "@",
    kinds.REPLY: "↩",
    kinds.BOOST: "↻",
    kinds.LIKE: "♥",
}


@dataclass(frozen=True)
class Notice:
    """One notification as the page shows it."""

    kind: str
    icon: str
    who: Person
    what: str
    when: datetime
    post_path: str | None
    post_text: str  # the post's text (its warning, if it has one), for a short preview


def _text(content_html: str) -> str:
    """A post's HTML as plain text (the template escapes it again)."""
    spaced = content_html.replace("</p>", "</p> ").replace("<br>", " ")
    return html.unescape(nh3.clean(spaced, tags=set())).strip()


def _preview(post: Post) -> str:
    """What the list quotes of a post: its text, or only its content warning (as Mastodon's
    notifications do; the text stays behind the warning on the post's page)."""
    if post.spoiler_text:
        return f"Content warning: {post.spoiler_text}"
    return _text(post.content_html)


@bp.get("/notifications")
async def index() -> str | WerkzeugResponse:
    """The signed-in person's notifications."""
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect("/auth/sign_in?next=/notifications")
    svc = services()
    window = Window(limit=PAGE_SIZE, max_id=id_arg("max_id"))
    found = await notification_reads.page(svc, viewer, window, Kinds())
    notices = [
        Notice(
            kind=row.notification.kind,
            icon=ICONS.get(row.notification.kind, "•"),
            who=person(svc, row.sender),
            what=WHAT.get(row.notification.kind, row.notification.kind),
            when=row.notification.created_at,
            post_path=post_path(row.post, row.author) if row.post and row.author else None,
            post_text=_preview(row.post) if row.post else "",
        )
        for row in found
    ]
    return await render_template(
        "notifications.html",
        notices=notices,
        more=found[-1].notification.id if len(found) == PAGE_SIZE else None,
        settings=svc.settings,
    )
