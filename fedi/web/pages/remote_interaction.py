"""Following from another server (fedi.domain.remote_interaction): `/@user/remote_follow`, where
a visitor names their handle and is sent to their own server to follow; and
`/authorize_interaction?uri=`, where another server's page sends one of ours to follow or
answer what they saw there (our WebFinger answers name it as the subscribe template)."""

from __future__ import annotations

from urllib.parse import quote

from quart import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from activitypub.webfinger import WebFingerError
from fedi.core.services import INSTANCE_ACTOR
from fedi.domain import remote_interaction
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from fedi.web.pages.items import post_path
from fedi.web.pages.post_view import author_path
from storage import accounts
from storage.models import Account

bp = Blueprint("remote_interaction", __name__)
MAX_HANDLE = 320  # a user@host, as long as an address can be


@bp.get("/@<username>/remote_follow")
async def remote_follow_form(username: str) -> tuple[str, int]:
    """The form where a visitor names their handle to follow this account from there."""
    return await _form(await _followable(username), "", None, 200)


@bp.post("/@<username>/remote_follow")
async def remote_follow(username: str) -> tuple[str, int] | WerkzeugResponse:
    """Send the visitor to their own server to follow this account (its handle in `acct`).
    A CSRF-checked form: a link cannot send anyone elsewhere through this server."""
    account = await _followable(username)
    form = await request.form
    try:
        check_csrf(form)
    except CsrfError:
        abort(403)
    handle = form.get("acct", "").strip()[:MAX_HANDLE]
    try:
        page = await remote_interaction.follow_page(services(), handle, account.uri)
    except WebFingerError as exc:
        return await _form(account, handle, exc.reason, 400)
    return redirect(page, code=303)


async def _followable(username: str) -> Account:
    async with services().reads() as session:
        account = await accounts.local_account(session, username)
    if account is None or account.username == INSTANCE_ACTOR or account.suspended_since:
        abort(404)
    return account


async def _form(account: Account, handle: str, problem: str | None, status: int) -> tuple[str, int]:
    svc = services()
    page = await render_template(
        "remote_follow.html",
        account=account,
        handle=f"@{account.username}@{svc.settings.instance.host}",
        acct=handle,
        problem=problem,
        settings=svc.settings,
    )
    return page, status


@bp.get("/authorize_interaction")
async def authorize_interaction() -> tuple[str, int] | WerkzeugResponse:
    """What a page elsewhere sent one of ours here to follow or answer: its page here."""
    uri = request.args.get("uri", "").strip()[:2048]
    viewer = await sessions.signed_in()
    if viewer is None:
        back = f"/authorize_interaction?uri={quote(uri, safe='')}"
        return redirect(f"/auth/sign_in?next={quote(back, safe='')}")
    svc = services()
    found = await remote_interaction.interaction_target(svc, viewer, uri) if uri else None
    if isinstance(found, Account):
        return redirect(author_path(found))
    if found is not None:
        return redirect(post_path(found.post, found.author))
    page = await render_template(
        "error.html",
        status=404,
        title="Not found",
        text="That account or post could not be found on its server.",
        settings=svc.settings,
    )
    return page, 404
