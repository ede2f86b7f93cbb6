"""The image-model interface every backend implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GenerationRequest:
    """What to paint."""

    prompt: str
    negative_prompt: str | None = None
    width: int = 1024
    height: int = 1024
    seed: int | None = None  # None: the backend picks one and reports it
    count: int = 1


@dataclass(frozen=True)
class GenerationMetadata:
    """How an image was made (provenance)."""

    backend: str
    model: str
    version: str | None
    seed: int | None
    elapsed_s: float
    request_id: str | None


@dataclass(frozen=True)
class GeneratedImage:
    """The model's output: encoded image bytes and their provenance."""

    data: bytes
    media_type: str
    metadata: GenerationMetadata


@dataclass(frozen=True)
class BackendContext:
    """What the server lends a backend that asks for it (a `context` keyword argument)."""

    # Whether the backend may connect to an IP address (the server's SSRF rule, honouring
    # `[federation] allow_private_addresses`).
    address_allowed: Callable[[str], bool]


class GenerationError(Exception):
    """The model could not make the image; `reason` is for the person who asked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BackendConfigError(GenerationError):
    """The backend is unknown or misconfigured; the reason names the setting."""


class Generator(Protocol):
    """An image model."""

    name: str  # the backend, as named in `[generator] backend`
    model: str  # the model it runs, for progress and provenance

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Paint one image for the request."""
        ...
