"""What every admin page shares: who may see it (a visitor is sent to sign in, anyone else
who is not an admin gets 403), the CSRF check of its forms (403 on a bad token), the
`signed_in_is_admin` every template gets, and how a page is rendered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from quart import Response, abort, g, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import moderation
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services

Page = Response | WerkzeugResponse
View = Callable[..., Awaitable[Page]]
SECTIONS = (
    ("/admin/users", "Users", "Suspend, unsuspend or delete the people who have accounts here."),
    ("/admin/invites", "Invites", "Make invite links to sign up, and revoke them."),
    ("/admin/domain_blocks", "Blocked servers", "Cut servers off, and let them back."),
    ("/admin/instance", "Server settings", "The description, rules, quota and sign-ups."),
    ("/admin/deliveries", "Failing deliveries", "Servers our posts keep failing to reach."),
)
DONE = {  # what a finished action says (by code, so no text comes from the address)
    "suspended": "The account is suspended; its sessions have ended.",
    "unsuspended": "The account is no longer suspended.",
    "deleted": "The account was deleted; other servers are being told.",
    "revoked": "The invite was revoked.",
    "blocked": "The server is blocked.",
    "unblocked": "The server is no longer blocked.",
    "saved": "The settings were saved.",
}


async def template_context() -> dict[str, Any]:
    """`signed_in_is_admin` for every template (base.html shows the Admin link with it)."""
    return {"signed_in_is_admin": await signed_in_is_admin()}


async def signed_in_is_admin() -> bool:
    """Whether the signed-in person is an admin (looked up once per request)."""
    if "impasto_is_admin" not in g:
        g.impasto_is_admin = await moderation.is_admin(services(), await sessions.signed_in())
    return bool(g.impasto_is_admin)


def admin_only(view: View) -> View:
    """Visitors go to the sign-in page, others who are not admins get 403; a POST must carry
    this browser's CSRF token (403 otherwise)."""

    @wraps(view)
    async def guarded(*args: Any, **kwargs: Any) -> Page:
        if await sessions.signed_in() is None:
            back = request.path if request.method == "GET" else "/admin"
            return redirect(f"/auth/sign_in?next={quote(back)}")
        if not await signed_in_is_admin():
            abort(403)
        if request.method == "POST":
            try:
                check_csrf(await request.form)
            except CsrfError:
                abort(403)
        return await view(*args, **kwargs)

    return guarded


async def page(template: str, status: int = 200, **values: Any) -> Response:
    """An admin page: the template with the settings, the section list and any message."""
    done = DONE.get(request.args.get("done", ""))
    html = await render_template(
        template, settings=services().settings, sections=SECTIONS, done=done, **values
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def done(path: str, code: str) -> WerkzeugResponse:
    """Back to an admin page after an action, saying it was done."""
    return redirect(f"{path}?done={code}", code=303)
