"""Acting on a post from its page: like, boost, pin, delete and reply (CSRF-checked forms for
the signed-in person, answered with 303 to a local `next` path), and GET /posts/<id>, the
page of a remote post shown here. Each action is the domain function the CLI and the client
API call too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from quart import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import NothingToUndo, UserError
from fedi.core.services import Services
from fedi.domain import deletes, pins, reactions, status_reads
from fedi.domain.media_posts import MediaDraft, post_with_media
from fedi.domain.posting import Draft, make_post
from fedi.domain.records import RecordNotFound
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from fedi.web.pages import post_view
from fedi.web.pages.items import post_path
from storage.models import Account
from storage.timelines import Entry

bp = Blueprint("post_actions", __name__)
Action = Callable[[Services, str, str], Awaitable[Any]]
Answer = Response | WerkzeugResponse | str


def local_path(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site ("/…", not "//…" nor "/\\…", no control
    characters), else `fallback`: the form's `next` is never an open redirect."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and all(ord(char) > 31 and ord(char) != 127 for char in target)
    ):
        return target
    return fallback


async def _visible(svc: Services, viewer: Account | None, post_id: int) -> Entry:
    try:
        return await status_reads.post(svc, viewer, post_id)
    except RecordNotFound:
        abort(404)


async def _signed_in_form(post_id: int) -> tuple[Account, Entry, dict[str, str], str] | Answer:
    """The viewer, the post they may see, the checked form and where to go back to; or the
    answer already due (sign in first, 403 for a bad token, 404 for an unseen post)."""
    viewer = await sessions.signed_in()
    form = await request.form
    if viewer is None:
        back = local_path(form.get("next"), f"/posts/{post_id}")
        return redirect(f"/auth/sign_in?next={quote(back, safe='/@')}", code=303)
    try:
        check_csrf(form)
    except CsrfError:
        abort(403)
    entry = await _visible(services(), viewer, post_id)
    back = local_path(form.get("next"), post_path(entry.post, entry.author))
    return viewer, entry, dict(form), back


async def _act(post_id: int, action: Action, *, own: bool = False) -> Answer:
    checked = await _signed_in_form(post_id)
    if not isinstance(checked, tuple):
        return checked
    viewer, entry, _, back = checked
    if own and entry.post.account_id != viewer.id:
        abort(404)
    try:
        await action(services(), viewer.username, str(entry.post.id))
    except NothingToUndo:
        pass  # already undone: the page shows the state
    except UserError as exc:
        return await _refused(str(exc))
    return redirect(back, code=303)


async def _refused(reason: str) -> Response:
    """The action cannot be done (a block, a post that cannot be boosted): say why."""
    page = await render_template(
        "error.html",
        status=422,
        title="That cannot be done",
        text=reason,
        settings=services().settings,
    )
    return Response(page, status=422, content_type="text/html; charset=utf-8")


@bp.post("/posts/<int:post_id>/like")
async def like(post_id: int) -> Answer:
    """Like the post."""
    return await _act(post_id, reactions.like)


@bp.post("/posts/<int:post_id>/unlike")
async def unlike(post_id: int) -> Answer:
    """Take back a like."""
    return await _act(post_id, reactions.unlike)


@bp.post("/posts/<int:post_id>/boost")
async def boost(post_id: int) -> Answer:
    """Boost the post (public and unlisted posts only)."""
    return await _act(post_id, reactions.boost)


@bp.post("/posts/<int:post_id>/unboost")
async def unboost(post_id: int) -> Answer:
    """Take back a boost."""
    return await _act(post_id, reactions.unboost)


@bp.post("/posts/<int:post_id>/pin")
async def pin(post_id: int) -> Answer:
    """Pin one's own post to one's profile."""
    return await _act(post_id, pins.pin, own=True)


@bp.post("/posts/<int:post_id>/unpin")
async def unpin(post_id: int) -> Answer:
    """Unpin one's own post."""
    return await _act(post_id, pins.unpin, own=True)


@bp.get("/posts/<int:post_id>/delete")
async def confirm_delete(post_id: int) -> Answer:
    """The confirmation step before deleting one's own post."""
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect(f"/auth/sign_in?next=/posts/{post_id}/delete")
    entry = await _visible(services(), viewer, post_id)
    if entry.post.account_id != viewer.id:
        abort(404)
    return await render_template(
        "post_delete.html",
        post=entry.post,
        back=post_path(entry.post, entry.author),
        settings=services().settings,
    )


@bp.post("/posts/<int:post_id>/delete")
async def delete(post_id: int) -> Answer:
    """Delete one's own post (a Delete goes to everyone who got it); then to one's profile
    unless `next` says where (never back to the deleted post's page)."""
    checked = await _signed_in_form(post_id)
    if not isinstance(checked, tuple):
        return checked
    viewer, entry, form, _ = checked
    if entry.post.account_id != viewer.id:
        abort(404)
    await deletes.delete_post(services(), viewer.username, str(entry.post.id))
    page = post_path(entry.post, entry.author)
    back = local_path(form.get("next"), f"/@{viewer.username}")
    return redirect(f"/@{viewer.username}" if back == page else back, code=303)


@bp.post("/posts/<int:post_id>/reply")
async def reply(post_id: int) -> Answer:
    """Reply with text, or with a picture painted from a prompt (and the text as its caption).
    A refusal (an empty reply, the model failing) shows the page again with the reason and
    what was typed."""
    checked = await _signed_in_form(post_id)
    if not isinstance(checked, tuple):
        return checked
    viewer, entry, form, back = checked
    svc, text, prompt = services(), form.get("text", ""), form.get("prompt", "").strip()
    visibility = entry.post.visibility  # a reply keeps its parent's audience
    try:
        if prompt:
            draft = Draft(
                viewer.username,
                prompt,
                caption=text.strip(),
                in_reply_to=str(entry.post.id),
                visibility=visibility,
            )
            await make_post(svc, draft)
        else:
            media = MediaDraft(
                viewer.username, text, [], in_reply_to=str(entry.post.id), visibility=visibility
            )
            await post_with_media(svc, media)
    except UserError as exc:
        found = await post_view.thread_of(svc, viewer, post_id)
        page = await post_view.render(
            svc, viewer, found, reply_error=str(exc), reply_text=text, reply_prompt=prompt
        )
        return Response(page, status=422, content_type="text/html; charset=utf-8")
    return redirect(back, code=303)


@bp.get("/posts/<int:post_id>")
async def remote_post(post_id: int) -> Answer:
    """A post shown here: a remote one's page; a local one's is /@user/<id>."""
    svc, viewer = services(), await sessions.signed_in()
    entry = await _visible(svc, viewer, post_id)
    if entry.post.local:
        return redirect(post_path(entry.post, entry.author))
    return await post_view.render(svc, viewer, await post_view.thread_of(svc, viewer, post_id))
