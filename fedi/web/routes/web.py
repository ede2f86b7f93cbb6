"""Server-rendered pages (profile, post) and the media files."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup
from quart import Blueprint, Response, abort, redirect, render_template, send_file
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.services import INSTANCE_ACTOR
from fedi.domain import image_models, instance_settings, pins
from fedi.domain.entities.accounts import header_url
from fedi.domain.records import RecordNotFound
from fedi.federation.as2.actors import bio_html, profile_fields
from fedi.media.files import content_type
from fedi.web import sessions
from fedi.web.csp import MEDIA_CSP
from fedi.web.display import blur_placeholder, shorten
from fedi.web.helpers import id_arg, services, wants_activity_json
from fedi.web.pages import post_view
from storage import account_counts, accounts, blocks, follows, posts, tags

bp = Blueprint("web", __name__)
PAGE_SIZE = 30
bp.add_app_template_filter(shorten, "shorten")
bp.add_app_template_global(blur_placeholder, "blur_placeholder")


@bp.get("/")
async def home() -> str:
    """The front page for visitors: what the server is, and its latest public pictures."""
    svc = services()
    async with svc.reads() as session:
        rows = await posts.local_pictures_page(session, limit=PAGE_SIZE, max_id=id_arg("max_id"))
        media = await posts.media_of(session, [post.id for post, _ in rows])
    return await render_template(
        "home.html",
        rows=rows,
        media=media,
        urls=svc.urls,
        more=rows[-1][0].id if len(rows) == PAGE_SIZE else None,
        settings=await instance_settings.current(svc),
    )


@bp.get("/about")
async def about() -> str:
    """What the server is: its rules, the model that paints here, how pictures are labelled,
    and how to use it from a Mastodon app (the `/paint` convention)."""
    svc = services()
    settings = await instance_settings.current(svc)
    return await render_template(
        "about.html",
        settings=settings,
        model=image_models.label(svc, settings.generator.default_model),
        c2pa=settings.media.c2pa,
        host=urlsplit(settings.instance.url).netloc,
    )


@bp.get("/@<username>")
async def profile(username: str) -> str | Response | WerkzeugResponse:
    """A profile page: header, avatar, name, bio, fields, counts, follow and block buttons,
    the pinned pictures and then the rest as a grid, newest first (AS2 clients get the actor)."""
    svc = services()
    viewer = await sessions.signed_in()
    async with svc.reads() as session:
        account = await accounts.local_account(session, username)
        if account is None or account.username == INSTANCE_ACTOR:
            abort(404)
        if wants_activity_json():  # a suspended account's actor is still served
            return redirect(account.uri, code=308)
        if account.suspended_since is not None:
            abort(404)
        max_id = id_arg("max_id")
        rows = await posts.public_page(session, account.id, limit=PAGE_SIZE, max_id=max_id)
        shown = [] if max_id else await pins.pinned(session, account.id)
        pinned = [post for post in shown if post.visibility == "public"]
        media = await posts.media_of(session, [row.id for row in [*pinned, *rows]])
        counts = await account_counts.counts(session, account.id)
        relation, blocking = None, False
        if viewer is not None and viewer.id != account.id:
            found = await follows.get(session, viewer.id, account.id)
            relation = found.state if found else "none"
            blocking = await blocks.get(session, viewer.id, account.id) is not None
    return await render_template(
        "profile.html",
        account=account,
        header=header_url(svc, account),
        # Built escaped from the plain-text bio and fields, links and #tags linked, as the
        # actor document and the client API give them.
        bio=Markup(bio_html(svc, account.summary)),  # noqa: S704
        fields=[(name, Markup(value)) for name, value in profile_fields(svc, account)],  # noqa: S704
        posts=rows,
        pinned=pinned,
        media=media,
        urls=svc.urls,
        handle=f"@{account.username}@{svc.settings.instance.host}",
        counts=counts,
        relation=relation,
        blocking=blocking,
        more=rows[-1].id if len(rows) == PAGE_SIZE else None,
        settings=svc.settings,
    )


@bp.get("/@<username>/<int:post_id>")
async def post_page(username: str, post_id: int) -> str | Response | WerkzeugResponse:
    """A post's page: the picture, its provenance, counts, the viewer's buttons and the
    thread around it, as the viewer may see it (fedi.web.pages.post_view)."""
    svc = services()
    viewer = None if wants_activity_json() else await sessions.signed_in()
    try:
        found = await post_view.thread_of(svc, viewer, post_id)
    except RecordNotFound:
        abort(404)
    post, author = found.post.post, found.post.author
    if not post.local or author.username != username:
        abort(404)
    if wants_activity_json():
        return redirect(post.uri, code=308)
    return await post_view.render(svc, viewer, found)


@bp.get("/tags/<name>")
async def tag_page(name: str) -> str:
    """The public pictures with a hashtag, newest first (where a hashtag link leads)."""
    svc = services()
    async with svc.reads() as session:
        rows = await tags.tagged_page(session, name, limit=PAGE_SIZE, max_id=id_arg("max_id"))
        media = await posts.media_of(session, [post.id for post, _ in rows])
    return await render_template(
        "tag.html",
        tag=tags.normalise(name),
        rows=rows,
        media=media,
        urls=svc.urls,
        more=rows[-1][0].id if len(rows) == PAGE_SIZE else None,
        settings=svc.settings,
    )


@bp.get("/media/<file_name>")
async def media_file(file_name: str) -> Response:
    """A stored image: generated names only, image content type, nosniff, cached for a year."""
    kind = content_type(file_name)
    if kind is None:
        abort(404)
    path = services().media_dir / file_name
    if not path.is_file():
        abort(404)
    response = await send_file(path, mimetype=kind)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    return response
