"""The image models this instance offers: the one `[generator]` names (key "main") and any
`[generator.models.KEY]`; which of them paints when nobody chooses (config.toml's
`default_model`, or the one an admin chose at /admin/instance); and a key someone asked for,
checked. All of them share the instance's quotas and slots (fedi.domain.generation)."""

from __future__ import annotations

from dataclasses import dataclass

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import instance_settings


@dataclass(frozen=True)
class Offered:
    """A model people may choose: its key, what it is called here, and whether it paints
    when none is chosen."""

    key: str
    label: str
    default: bool


class UnknownModel(UserError):
    """A model key this instance does not offer; the message lists those it does."""


def check(svc: Services, key: str) -> str:
    """The key, if this instance offers it; UnknownModel otherwise."""
    keys = svc.settings.generator.model_keys
    if key not in keys:
        raise UnknownModel(f"model must be one of {', '.join(keys)}, not {key!r}")
    return key


async def default_key(svc: Services) -> str:
    """The key of the model that paints when none is chosen, as things are now."""
    return (await instance_settings.current(svc)).generator.default_model


async def chosen(svc: Services, key: str | None) -> str:
    """The key that paints: the one asked for (UnknownModel if not offered), else the default."""
    return check(svc, key) if key else await default_key(svc)


def label(svc: Services, key: str) -> str:
    """What the model offered under `key` is called: its configured label, else the name
    its backend gives its model."""
    cfg = svc.settings.generator
    configured = cfg.label if key not in cfg.models else cfg.models[key].label
    if configured:
        return configured
    generator = svc.generator_for(key)
    return getattr(generator, "model", None) or generator.name  # a plugin may not say


async def offered(svc: Services) -> list[Offered]:
    """Every model offered, "main" first, the default marked."""
    default = await default_key(svc)
    keys = svc.settings.generator.model_keys
    return [Offered(key, label(svc, key), key == default) for key in keys]
