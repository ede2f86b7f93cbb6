"""/admin/invites, /admin/domain_blocks and /admin/deliveries: invite links, blocked servers,
and the servers our deliveries keep failing to reach (see fedi.web.pages.admin for who may
see them)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.core.errors import UserError
from fedi.domain import instance_settings, moderation, signups
from fedi.web import sessions
from fedi.web.helpers import services
from fedi.web.pages.admin_base import Page, admin_only, done, page
from storage.timeutil import utcnow

bp = Blueprint("admin_servers", __name__)
MAX_DAYS, MAX_USES = 3650, 100_000


async def _invites_page(status: int = 200, **values: object) -> Response:
    svc = services()
    rows = await moderation.invites(svc)
    states = {row.id: moderation.invite_state(row, utcnow()) for row in rows}
    mode = (await instance_settings.current(svc)).instance.registrations
    return await page("admin_invites.html", status, rows=rows, states=states, mode=mode, **values)


@bp.get("/admin/invites")
@admin_only
async def invites() -> Page:
    """The invites, newest first, and a form for a new one."""
    return await _invites_page()


def _number(text: str, largest: int) -> float | None:
    try:
        value = float(text.strip() or "0")
    except ValueError:
        return None
    return value if 0 <= value <= largest else None


@bp.post("/admin/invites")
@admin_only
async def create_invite() -> Page:
    """Make an invite; its link is shown once, on the page this answers with."""
    form = await request.form
    uses, days = _number(form.get("uses", ""), MAX_USES), _number(form.get("days", ""), MAX_DAYS)
    if uses is None or days is None or uses != int(uses):
        why = f"Uses: a whole number up to {MAX_USES}; days: up to {MAX_DAYS} (0: no limit)."
        return await _invites_page(422, error=why)
    svc = services()
    viewer = await sessions.signed_in()
    try:
        by = viewer.username if viewer else None
        limit = int(uses) or None
        made = await signups.create_invite(svc, by=by, max_uses=limit, days=days or None)
    except UserError as exc:
        return await _invites_page(422, error=str(exc))
    return await _invites_page(made=signups.invite_url(svc, made.code))


@bp.post("/admin/invites/<int:invite_id>/revoke")
@admin_only
async def revoke_invite(invite_id: int) -> Page:
    """Revoke an invite: its link stops working."""
    try:
        await moderation.revoke_invite(services(), invite_id)
    except UserError as exc:
        return await _invites_page(422, error=str(exc))
    return done("/admin/invites", "revoked")


async def _blocks_page(status: int = 200, **values: object) -> Response:
    rows = await moderation.blocked_domains(services())
    prefill = request.args.get("domain", "")[:255]
    return await page("admin_domains.html", status, rows=rows, prefill=prefill, **values)


@bp.get("/admin/domain_blocks")
@admin_only
async def domain_blocks() -> Page:
    """The blocked servers and a form to block one (?domain= fills it in)."""
    return await _blocks_page()


@bp.post("/admin/domain_blocks")
@admin_only
async def block_domain() -> Page:
    """Block a server, with the admins' reason."""
    form = await request.form
    domain, reason = form.get("domain", ""), form.get("reason", "")
    try:
        added = await moderation.block_domain(services(), domain, reason)
    except UserError as exc:
        return await _blocks_page(422, error=str(exc), domain=domain, reason=reason)
    if not added:
        return await _blocks_page(422, error="That server is blocked already.")
    return done("/admin/domain_blocks", "blocked")


@bp.post("/admin/domain_blocks/remove")
@admin_only
async def unblock_domain() -> Page:
    """Lift the block of the server named in the form."""
    if not await moderation.unblock_domain(services(), (await request.form).get("domain", "")):
        return await _blocks_page(422, error="That server is not blocked.")
    return done("/admin/domain_blocks", "unblocked")


@bp.get("/admin/deliveries")
@admin_only
async def deliveries() -> Page:
    """Servers whose deliveries fail: how many, since when, and the last error."""
    rows = await moderation.failing_servers(services())
    return await page("admin_deliveries.html", rows=rows)
