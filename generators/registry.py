"""Finding backends: the `impasto.generators` entry-point group (ours and third parties')."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, cast

from .base import BackendConfigError, Generator

GROUP = "impasto.generators"


def available_backends() -> list[str]:
    """Names of the installed backends."""
    return sorted({entry.name for entry in entry_points(group=GROUP)})


def load_generator(backend: str, options: Mapping[str, Any] | None = None) -> Generator:
    """Instantiate the backend named in `[generator] backend` with its options."""
    matches = [entry for entry in entry_points(group=GROUP) if entry.name == backend]
    if not matches:
        names = ", ".join(available_backends()) or "none"
        raise BackendConfigError(
            f"[generator] backend = {backend!r} is not installed (available: {names})"
        )
    factory = matches[0].load()
    try:
        return cast(Generator, factory(**dict(options or {})))
    except TypeError as exc:
        raise BackendConfigError(f"[generator.options] do not fit {backend!r}: {exc}") from None
