"""The instance's settings as they are now: config.toml's, with what the admins changed at
/admin/instance (the description, the rules, the daily generation quota, who may sign up, the
model that paints when none is chosen) on top. The about page, the front page, the instance
API, NodeInfo, sign-up, the quota check and the choice of model all read them through
`current`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.core.settings import Settings
from storage import moderation

REGISTRATIONS = ("closed", "open", "invite")
MAX_DESCRIPTION = 500
MAX_RULES, MAX_RULE = 30, 300
MAX_QUOTA = 1_000_000
INSTANCE_KEYS = ("description", "rules", "registrations")
GENERATOR_KEYS = ("per_user_daily_quota", "default_model")


class SettingsError(UserError):
    """A value an admin typed that the setting cannot take; the message says why."""


async def current(svc: Services) -> Settings:
    """config.toml's settings with the admins' overrides applied (one small query)."""
    async with svc.reads() as session:
        stored = await moderation.overrides(session)
    return applied(svc.settings, stored)


def applied(settings: Settings, stored: dict[str, Any]) -> Settings:
    """`settings` with these overrides; unknown keys (from a newer version) are ignored, and
    so is a default model config.toml no longer offers."""
    instance = {key: stored[key] for key in INSTANCE_KEYS if key in stored}
    generator = {key: stored[key] for key in GENERATOR_KEYS if key in stored}
    if generator.get("default_model", "") not in settings.generator.model_keys:
        generator.pop("default_model", None)
    if not instance and not generator:
        return settings
    return settings.model_copy(
        update={
            "instance": settings.instance.model_copy(update=instance),
            "generator": settings.generator.model_copy(update=generator),
        }
    )


@dataclass(frozen=True)
class Changes:
    """What an admin submitted: the description, the rules one a line, the quota as typed,
    the registrations mode, and the default model's key (None: the form did not offer one)."""

    description: str
    rules: str
    quota: str
    registrations: str
    default_model: str | None = None


def _checked(settings: Settings, changes: Changes) -> dict[str, object]:
    description = changes.description.strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise SettingsError(f"The description must have 1 to {MAX_DESCRIPTION} characters.")
    rules = [line.strip() for line in changes.rules.splitlines() if line.strip()]
    if len(rules) > MAX_RULES or any(len(rule) > MAX_RULE for rule in rules):
        raise SettingsError(f"At most {MAX_RULES} rules, each of at most {MAX_RULE} characters.")
    quota = changes.quota.strip()
    if not quota.isascii() or not quota.isdigit() or int(quota) > MAX_QUOTA:
        raise SettingsError(f"The quota must be a whole number from 0 to {MAX_QUOTA}.")
    if changes.registrations not in REGISTRATIONS:
        raise SettingsError("Sign-ups must be closed, open, or by invite.")
    model = changes.default_model or settings.generator.default_model
    if model not in settings.generator.model_keys:
        raise SettingsError(f"There is no model {model!r} in config.toml to paint by default.")
    return {
        "description": description,
        "rules": rules,
        "per_user_daily_quota": int(quota),
        "registrations": changes.registrations,
        "default_model": model,
    }


async def save(svc: Services, changes: Changes) -> Settings:
    """Store the admin's values (only those that differ from config.toml; the same value as
    the file's removes the override) and give the settings now in force."""
    values = _checked(svc.settings, changes)
    file_values = {
        "description": svc.settings.instance.description,
        "rules": list(svc.settings.instance.rules),
        "per_user_daily_quota": svc.settings.generator.per_user_daily_quota,
        "registrations": svc.settings.instance.registrations,
        "default_model": svc.settings.generator.default_model,
    }
    stored = {key: None if value == file_values[key] else value for key, value in values.items()}
    async with svc.sessions.begin() as session:
        await moderation.set_overrides(session, stored)
    return await current(svc)
