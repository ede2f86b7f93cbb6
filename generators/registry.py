"""Finding backends: the `impasto.generators` entry-point group (ours and third parties')."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, cast

from .base import BackendConfigError, BackendContext, Generator

GROUP = "impasto.generators"


def available_backends() -> list[str]:
    """Names of the installed backends."""
    return sorted({entry.name for entry in entry_points(group=GROUP)})


def load_generator(
    backend: str,
    options: Mapping[str, Any] | None = None,
    context: BackendContext | None = None,
    *,
    section: str = "generator",
) -> Generator:
    """Instantiate the backend named in `[generator] backend` with its options (and the
    server's context, for backends whose factory takes a `context` keyword). `section` is the
    config table it came from (`generator.models.KEY` for another model), named in errors."""
    matches = [entry for entry in entry_points(group=GROUP) if entry.name == backend]
    if not matches:
        names = ", ".join(available_backends()) or "none"
        raise BackendConfigError(
            f"[{section}] backend = {backend!r} is not installed (available: {names})"
        )
    factory = matches[0].load()
    kwargs = dict(options or {})
    if "context" in kwargs:
        raise BackendConfigError(f"[{section}.options] may not set 'context'")
    if context is not None and "context" in inspect.signature(factory).parameters:
        kwargs["context"] = context
    try:
        return cast(Generator, factory(**kwargs))
    except TypeError as exc:
        raise BackendConfigError(f"[{section}.options] do not fit {backend!r}: {exc}") from None
    except BackendConfigError as exc:
        if section == "generator" or f"[{section}" in exc.reason:
            raise
        raise BackendConfigError(f"[{section}]: {exc.reason}") from None
