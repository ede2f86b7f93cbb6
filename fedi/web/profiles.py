"""A profile page's people side: following and unfollowing from the page (signed in, with a
CSRF-checked form), and what the page shows a signed-in viewer about the account."""

from __future__ import annotations

from quart import Blueprint, abort, redirect, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import follows as following
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from storage import accounts

bp = Blueprint("profiles", __name__)


async def _act(username: str, *, follow: bool) -> WerkzeugResponse:
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect(f"/auth/sign_in?next=/@{username}")
    try:
        check_csrf(await request.form)
    except CsrfError:
        abort(403)
    svc = services()
    async with svc.reads() as session:
        account = await accounts.local_account(session, username)
    if account is None:
        abort(404)
    try:
        if follow:
            await following.follow(svc, viewer.username, account.uri)
        else:
            await following.unfollow(svc, viewer.username, account.uri)
    except UserError:
        pass  # already (not) following, or a block between them: the page shows the state
    return redirect(f"/@{account.username}", code=303)


@bp.post("/@<username>/follow")
async def follow(username: str) -> WerkzeugResponse:
    """Follow this account (pending until it approves, if it approves by hand)."""
    return await _act(username, follow=True)


@bp.post("/@<username>/unfollow")
async def unfollow(username: str) -> WerkzeugResponse:
    """Stop following this account (or take back a request)."""
    return await _act(username, follow=False)
