"""The options every hosted backend (Replicate, an OpenAI-compatible API) checks the same way.

The secret comes from `[generator.options]` or else the environment, the API's base URL must be
http(s), tables of extra fields must be tables, numbers must be above zero; and the text an API
gives with an error is cut to a readable length before it goes into a reason. Each backend calls
these in the order it documents its options, so a wrong option is reported as it always was.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import BackendConfigError
from .errors import CredentialsRefused

_MAX_DETAIL = 300


@dataclass(frozen=True)
class Credential:
    """Where a backend finds its secret: `[generator.options] <option>`, else `$<env>`."""

    backend: str  # the backend's name, as in `[generator] backend`
    option: str  # e.g. "api_key"
    env: str  # e.g. "OPENAI_API_KEY"
    kind: str  # as people call it: "API key", "API token"

    def resolve(self, given: str | None) -> str:
        """The configured secret, else the environment's; without one the backend cannot start."""
        value = given or os.environ.get(self.env)
        if not value:
            raise BackendConfigError(
                f"the {self.backend} backend needs an {self.kind}: set [generator.options] "
                f"{self.option} or the {self.env} environment variable"
            )
        return value

    def refused(self, what: str, status: int) -> CredentialsRefused:
        """The error for an API refusing the secret; `what` says who refused it. The API's own
        message stays out: it may echo part of the secret."""
        return CredentialsRefused(
            f"{what} (HTTP {status}); check [generator.options] {self.option} or {self.env}"
        )


def http_url(base_url: str) -> str:
    """`[generator.options] base_url`, which must be an http(s) URL, without a trailing slash."""
    if not base_url.startswith(("https://", "http://")):
        raise BackendConfigError("[generator.options] base_url must be an http(s) URL")
    return base_url.rstrip("/")


def table(name: str, value: Mapping[str, Any] | None, must_be: str) -> dict[str, Any]:
    """A `[generator.options.<name>]` table of fields sent as they are (empty when not set)."""
    if value is not None and not isinstance(value, Mapping):
        raise BackendConfigError(f"[generator.options] {name} must be {must_be}")
    return dict(value or {})


def positive(name: str, value: object) -> float:
    """A `[generator.options]` number that must be above zero."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise BackendConfigError(f"[generator.options] {name} must be a positive number")
    return float(value)


def detail(text: object) -> str:
    """An API's error text on one line, cut to a length that fits in a reason."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"
