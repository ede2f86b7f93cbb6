"""/admin/instance: the server's description, rules, daily generation quota, sign-ups and
(where config.toml offers several models) the one that paints when none is chosen, changed
here and kept in the database over config.toml's (fedi.domain.instance_settings); the name,
address and the models themselves are shown as config.toml has them."""

from __future__ import annotations

from quart import Blueprint, request

from fedi.domain import image_models, instance_settings
from fedi.web.helpers import services
from fedi.web.pages.admin_base import Page, admin_only, done, page

bp = Blueprint("admin_instance", __name__)


async def _page(status: int = 200, typed: dict[str, str] | None = None, **values: object) -> Page:
    svc = services()
    now = await instance_settings.current(svc)
    form = {
        "description": now.instance.description,
        "rules": "\n".join(now.instance.rules),
        "quota": str(now.generator.per_user_daily_quota),
        "registrations": now.instance.registrations,
        "default_model": now.generator.default_model,
    }
    form.update(typed or {})
    return await page(
        "admin_instance.html",
        status,
        form=form,
        current=now,
        models=await image_models.offered(svc),
        modes=instance_settings.REGISTRATIONS,
        **values,
    )


@bp.get("/admin/instance")
@admin_only
async def instance() -> Page:
    """The settings as they are now, in a form."""
    return await _page()


@bp.post("/admin/instance")
@admin_only
async def save() -> Page:
    """Store the new values; the about page, the front page and the API show them at once."""
    form = await request.form
    changes = instance_settings.Changes(
        description=form.get("description", ""),
        rules=form.get("rules", ""),
        quota=form.get("quota", ""),
        registrations=form.get("registrations", ""),
        default_model=form.get("default_model") or None,
    )
    try:
        await instance_settings.save(services(), changes)
    except instance_settings.SettingsError as exc:
        return await _page(422, typed=vars(changes), error=str(exc))
    return done("/admin/instance", "saved")
