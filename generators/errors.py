"""Why a hosted model could not make an image: the error tree the hosted backends raise.

All are `GenerationError`, so callers that only know `base.py` still get a reason:

    GenerationError
     └── HostedModelError          the hosted model or its API let us down
          ├── CredentialsRefused   401/403: the key or token was refused
          ├── RateLimited          429: `retry_after` seconds, when the API said
          ├── SafetyRefusal        the model's safety filter refused the prompt
          ├── ModelFailed          the model ran and failed; the reason carries its message
          ├── GenerationTimeout    our deadline passed (`DownloadTimeout` while downloading)
          └── OutputRejected       the output could not be used
               ├── OutputTooLarge  more bytes than the cap
               └── NotAnImage      neither an image content type nor image magic bytes
"""

from __future__ import annotations

from .base import GenerationError


class HostedModelError(GenerationError):
    """A hosted model or its API could not make the image."""


class CredentialsRefused(HostedModelError):
    """The API refused our key or token (401/403)."""


class RateLimited(HostedModelError):
    """The API is rate limiting us; `retry_after` is in seconds when the API said."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SafetyRefusal(HostedModelError):
    """The model's safety filter refused the prompt or its output."""


class ModelFailed(HostedModelError):
    """The model ran and reported an error."""


class GenerationTimeout(HostedModelError):
    """Our deadline passed before the image was ready."""


class DownloadTimeout(GenerationTimeout):
    """Our deadline passed while downloading the output."""


class OutputRejected(HostedModelError):
    """The model's output could not be fetched or used."""


class OutputTooLarge(OutputRejected):
    """The output is larger than the configured cap."""


class NotAnImage(OutputRejected):
    """The output is not an image."""
