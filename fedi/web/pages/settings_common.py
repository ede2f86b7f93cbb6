"""What the settings pages share: their layout's sub-navigation (the template
`settings_layout.html`), the sign-in redirect, the CSRF check and the `next` path."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import services
from storage.models import Account

# (path, label) of the settings pages, in the order the sub-navigation lists them.
SECTIONS = (
    ("/settings/profile", "Profile"),
    ("/settings/follow_requests", "Follow requests"),
    ("/settings/blocks", "Blocks"),
    ("/settings/password", "Password"),
    ("/settings/export", "Export"),
    ("/settings/delete", "Delete account"),
)

bp = Blueprint("settings_common", __name__)


@bp.app_template_global("settings_sections")
def settings_sections() -> tuple[tuple[str, str], ...]:
    """The sub-navigation of settings_layout.html (the password page uses it too)."""
    return SECTIONS


def to_sign_in(path: str) -> WerkzeugResponse:
    """Someone not signed in is sent to sign in, and back here afterwards."""
    return redirect(f"/auth/sign_in?next={path}", code=303)


async def checked_form() -> dict[str, str]:
    """The POSTed form, refused with 403 unless its CSRF token is this browser's."""
    form = await request.form
    try:
        check_csrf(form)
    except CsrfError:
        abort(403)
    return dict(form)


def local_next(value: str | None, fallback: str) -> str:
    """`next` if it is a path on this site ("/…"), else `fallback`: not "//…", and no
    backslash or control character (browsers read a backslash as a slash and drop tabs, so
    such a path can name another host)."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return fallback
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return fallback
    return value


async def settings_page(
    template: str, account: Account, status: int = 200, **values: Any
) -> Response:
    """A settings page, with its sub-navigation."""
    html = await render_template(template, settings=services().settings, me=account, **values)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


async def viewer() -> Account | None:
    """The signed-in account (None: nobody)."""
    return await sessions.signed_in()
