"""The sign-up page (as `[instance] registrations` allows) and the password page."""

from __future__ import annotations

from quart import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import auth, instance_settings, signups
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services

bp = Blueprint("signup", __name__)
EXPIRED = "This form expired or did not come from this site. Try again."


async def _page(
    template: str, status: int = 200, error: str | None = None, **values: str
) -> Response:
    page = await render_template(template, settings=services().settings, error=error, **values)
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _throttled(response: Response, exc: auth.SignInThrottled) -> Response:
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.get("/auth/sign_up")
async def sign_up_page() -> Response | WerkzeugResponse:
    """The form, or why there is none (closed, or an invite that is not valid)."""
    svc = services()
    if await sessions.signed_in() is not None:
        return redirect("/")
    invite = request.args.get("invite", "")
    mode = (await instance_settings.current(svc)).instance.registrations
    if mode == "closed":
        return await _page("sign_up.html", 403, "This server is not taking sign-ups.", closed="1")
    if mode == "invite" and not await signups.usable_invite(svc, invite):
        why = "Sign-ups here are by invite, and this invite is not valid (any more)."
        return await _page("sign_up.html", 403, why, closed="1")
    return await _page("sign_up.html", invite=invite)


@bp.post("/auth/sign_up")
async def sign_up() -> Response | WerkzeugResponse:
    """Make the account, sign it in with a new session, and show its profile."""
    form = await request.form
    values = {"username": form.get("username", ""), "invite": form.get("invite", "")}
    try:
        check_csrf(form)
    except CsrfError:
        return await _page("sign_up.html", 403, EXPIRED, **values)
    try:
        signed = await signups.sign_up(
            services(),
            username=values["username"],
            password=form.get("password", ""),
            confirmation=form.get("confirmation", ""),
            address=sessions.client_address(),
            invite=values["invite"],
        )
    except auth.SignInThrottled as exc:
        return _throttled(await _page("sign_up.html", 429, str(exc), **values), exc)
    except signups.SignUpClosed as exc:
        return await _page("sign_up.html", 403, str(exc), closed="1")
    except signups.SignUpError as exc:
        return await _page("sign_up.html", 422, str(exc), **values)
    sessions.start(signed)
    return redirect(f"/@{signed.account.username}", code=303)


@bp.get("/settings/password")
async def password_page() -> Response | WerkzeugResponse:
    """The password form, for someone signed in."""
    if await sessions.signed_in() is None:
        return redirect("/auth/sign_in?next=/settings/password")
    return await _page("password.html", done=request.args.get("done", ""))


@bp.post("/settings/password")
async def change_password() -> Response | WerkzeugResponse:
    """Check the current password, set the new one; every other session ends."""
    account = await sessions.signed_in()
    if account is None:
        return redirect("/auth/sign_in?next=/settings/password")
    form = await request.form
    try:
        check_csrf(form)
    except CsrfError:
        return await _page("password.html", 403, EXPIRED)
    try:
        signed = await signups.change_password(
            services(),
            account,
            form.get("current", ""),
            form.get("password", ""),
            form.get("confirmation", ""),
            sessions.client_address(),
        )
    except auth.SignInThrottled as exc:
        return _throttled(await _page("password.html", 429, str(exc)), exc)
    except (signups.SignUpError, auth.SignInError) as exc:
        return await _page("password.html", 422, str(exc))
    sessions.start(signed)
    return redirect("/settings/password?done=1", code=303)
