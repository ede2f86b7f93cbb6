"""The /admin index, and /admin/users: suspending, unsuspending and deleting local users.
The other admin pages are in admin_servers and admin_instance; what they share in
admin_base."""

from __future__ import annotations

from quart import Blueprint, Quart, Response, abort, request

from fedi.core.errors import UserError
from fedi.domain import deletes, moderation
from fedi.web import sessions
from fedi.web.helpers import id_arg, services
from fedi.web.pages import admin_instance, admin_servers
from fedi.web.pages.admin_base import Page, admin_only, done, page, template_context

bp = Blueprint("admin", __name__)


def install(app: Quart) -> None:
    """Register the admin pages and put `signed_in_is_admin` into every template."""
    for blueprint in (bp, admin_servers.bp, admin_instance.bp):
        app.register_blueprint(blueprint)
    app.context_processor(template_context)


@bp.get("/admin")
@admin_only
async def index() -> Page:
    """The admin pages, listed."""
    return await page("admin.html")


async def _users_page(status: int = 200, error: str | None = None) -> Response:
    rows, more = await moderation.users_page(services(), id_arg("after"))
    viewer = await sessions.signed_in()
    return await page("admin_users.html", status, rows=rows, more=more, error=error, viewer=viewer)


@bp.get("/admin/users")
@admin_only
async def users() -> Page:
    """The local users, newest first, with what can be done to each."""
    return await _users_page()


async def _change(username: str, suspend: bool) -> Page:
    viewer = await sessions.signed_in()
    if viewer is not None and viewer.username.lower() == username.lower():
        return await _users_page(422, "You cannot suspend yourself.")
    try:
        if suspend:
            await moderation.suspend(services(), username)
        else:
            await moderation.unsuspend(services(), username)
    except UserError as exc:
        return await _users_page(422, str(exc))
    return done("/admin/users", "suspended" if suspend else "unsuspended")


@bp.post("/admin/users/<username>/suspend")
@admin_only
async def suspend(username: str) -> Page:
    """Suspend a user: no sign-in, sessions ended, tokens refused, profile not served."""
    return await _change(username, suspend=True)


@bp.post("/admin/users/<username>/unsuspend")
@admin_only
async def unsuspend(username: str) -> Page:
    """Lift a suspension."""
    return await _change(username, suspend=False)


async def _confirm_page(username: str, status: int = 200, error: str | None = None) -> Page:
    found = await moderation.user(services(), username)
    if found is None:
        abort(404)
    account, user = found
    return await page("admin_delete.html", status, account=account, user=user, error=error)


@bp.get("/admin/users/<username>/delete")
@admin_only
async def confirm_delete(username: str) -> Page:
    """Ask before deleting: the admin types the name again."""
    return await _confirm_page(username)


@bp.post("/admin/users/<username>/delete")
@admin_only
async def delete(username: str) -> Page:
    """Delete the account for good (its posts and pictures too); the Delete federates."""
    form = await request.form
    viewer = await sessions.signed_in()
    if viewer is not None and viewer.username.lower() == username.lower():
        return await _confirm_page(username, 422, "You cannot delete yourself here.")
    if form.get("confirm", "").strip().lower() != username.lower():
        return await _confirm_page(username, 422, "Type the username to confirm.")
    try:
        await deletes.delete_account(services(), username, suspended_too=True)
    except UserError as exc:
        return await _confirm_page(username, 422, str(exc))
    return done("/admin/users", "deleted")
