"""The sign-in and sign-out pages."""

from __future__ import annotations

from quart import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import auth
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


async def _form(status: int = 200, error: str | None = None, username: str = "") -> Response:
    page = await render_template(
        "sign_in.html",
        settings=services().settings,
        error=error,
        username=username,
        next=safe_next(request.args.get("next") or (await request.form).get("next")),
    )
    return Response(page, status=status, content_type="text/html; charset=utf-8")


@bp.get("/auth/sign_in")
async def sign_in_page() -> Response | WerkzeugResponse:
    """The sign-in form (or straight on, for someone already signed in)."""
    if await sessions.signed_in() is not None and request.args.get("force") != "1":
        return redirect(safe_next(request.args.get("next")))
    return await _form()


@bp.post("/auth/sign_in")
async def sign_in() -> Response | WerkzeugResponse:
    """Check the form; on success a new session cookie and on to `next`."""
    form = await request.form
    username = form.get("username", "")
    try:
        check_csrf(form)
    except CsrfError:
        return await _form(403, "This form expired or did not come from this site. Try again.")
    try:
        signed = await auth.sign_in(
            services(), username, form.get("password", ""), sessions.client_address()
        )
    except auth.SignInThrottled as exc:
        response = await _form(429, str(exc), username)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except auth.SignInError as exc:
        return await _form(401, str(exc), username)
    sessions.start(signed)
    return redirect(safe_next(form.get("next")), code=303)


@bp.post("/auth/sign_out")
async def sign_out() -> Response | WerkzeugResponse:
    """End the session (a form with a CSRF token, never a link)."""
    try:
        check_csrf(await request.form)
    except CsrfError:
        return Response("This form expired. Go back and try again.", status=403)
    await sessions.end()
    return redirect("/", code=303)
