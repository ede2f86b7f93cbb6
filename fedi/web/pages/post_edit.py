"""Editing one's own post from the web: its caption, the picture's alt text, the content
warning and whether it is sensitive (fedi.domain.edits.edit, as `impasto edit`: an Update goes
to everyone who got the post). The picture itself stays as it was painted."""

from __future__ import annotations

from quart import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import edits, status_reads
from fedi.domain.records import RecordNotFound
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from storage import posts
from storage.models import Account, MediaAttachment, Post

bp = Blueprint("post_edit", __name__)


async def _own(viewer: Account, post_id: int) -> tuple[Post, list[MediaAttachment]]:
    """The viewer's own post and its pictures; 404 for anyone else's."""
    svc = services()
    try:
        entry = await status_reads.post(svc, viewer, post_id)
    except RecordNotFound:
        abort(404)
    if entry.post.account_id != viewer.id or not entry.post.local:
        abort(404)
    async with svc.reads() as session:
        media = (await posts.media_of(session, [post_id])).get(post_id, [])
    return entry.post, list(media)


def _change(post: Post, media: list[MediaAttachment], form: dict[str, str]) -> edits.Edit:
    """What the form changes; a field left as it was is not part of the edit."""
    caption = form.get("caption", post.caption)
    alt = form.get("alt")
    current_alt = media[0].description if media else None
    warning = form.get("content_warning", post.spoiler_text).strip()
    sensitive = form.get("sensitive") == "on" or bool(warning)
    return edits.Edit(
        caption=caption if caption != post.caption else None,
        alt=alt if media and alt is not None and alt != current_alt else None,
        content_warning=warning if warning != post.spoiler_text else None,
        sensitive=sensitive if sensitive != post.sensitive else None,
    )


async def _form(
    viewer: Account,
    post: Post,
    media: list[MediaAttachment],
    error: str | None = None,
    status: int = 200,
) -> Response:
    page = await render_template(
        "post_edit.html",
        post=post,
        alt=media[0].description if media else None,
        error=error,
        back=f"/@{viewer.username}/{post.id}",
        settings=services().settings,
    )
    return Response(page, status=status, content_type="text/html; charset=utf-8")


@bp.get("/posts/<int:post_id>/edit")
async def edit_form(post_id: int) -> Response | WerkzeugResponse:
    """The edit form of one's own post."""
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect(f"/auth/sign_in?next=/posts/{post_id}/edit")
    post, media = await _own(viewer, post_id)
    return await _form(viewer, post, media)


@bp.post("/posts/<int:post_id>/edit")
async def edit(post_id: int) -> Response | WerkzeugResponse:
    """Save the edit; then back to the post's page (a refusal shows the form with why)."""
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect(f"/auth/sign_in?next=/posts/{post_id}/edit", code=303)
    form = dict(await request.form)
    try:
        check_csrf(form)
    except CsrfError:
        abort(403)
    post, media = await _own(viewer, post_id)
    change = _change(post, media, form)
    if change != edits.Edit():
        try:
            post = await edits.edit(services(), viewer.username, str(post.id), change)
        except UserError as exc:
            return await _form(viewer, post, media, str(exc), status=422)
    return redirect(f"/@{viewer.username}/{post.id}", code=303)
