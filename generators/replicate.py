"""Replicate (https://replicate.com): run a hosted model as a prediction and fetch its output.

We drive the official `replicate` client for the API calls (create, poll, cancel) but keep our
own deadline, and download the output with `download.py`: the library's own file downloader
sends the API token to whatever host the output URL names.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx
from replicate.client import Client
from replicate.exceptions import ReplicateError
from replicate.identifier import ModelVersionIdentifier
from replicate.prediction import Prediction

from httpcommon import parse_retry_after

from .base import (
    BackendConfigError,
    BackendContext,
    GeneratedImage,
    GenerationError,
    GenerationMetadata,
    GenerationRequest,
)
from .download import DEFAULT_DOWNLOAD_TIMEOUT, DEFAULT_MAX_BYTES, OutputFetcher, rate_limited
from .errors import GenerationTimeout, HostedModelError, ModelFailed, SafetyRefusal
from .hosted import Credential, detail, http_url, positive, table

log = logging.getLogger(__name__)

DEFAULT_MODEL = "black-forest-labs/flux-schnell"
DEFAULT_BASE_URL = "https://api.replicate.com"
TOKEN_ENV = "REPLICATE_API_TOKEN"  # noqa: S105 - a variable name, not a secret
_TOKEN = Credential("replicate", "api_token", TOKEN_ENV, "API token")
TERMINAL = frozenset({"succeeded", "failed", "canceled"})
# The aspect ratios FLUX and most Replicate image models accept as `aspect_ratio`.
ASPECT_RATIOS = ("1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21")
# How models word a refusal by their safety checker, e.g. FLUX: "NSFW content detected. ..."
_SAFETY = re.compile(r"nsfw|safety|unsafe|content policy|moderat|flagged", re.IGNORECASE)
_SEED_IN_LOGS = re.compile(r"\bseed\b\D{0,4}(\d+)", re.IGNORECASE)


def aspect_ratio(width: int, height: int) -> str:
    """The accepted `aspect_ratio` closest to width:height."""
    target = math.log(max(1, width) / max(1, height))

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(math.log(int(w) / int(h)) - target)

    return min(ASPECT_RATIOS, key=distance)


class _RetryAfterRecorder(httpx.AsyncBaseTransport):
    """Remembers the Retry-After of a 429: `ReplicateError` keeps the status but no headers."""

    def __init__(self, inner: httpx.AsyncBaseTransport, owned: bool) -> None:
        self._inner = inner
        self._owned = owned
        self.retry_after: float | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on; note Retry-After when rate limited."""
        response = await self._inner.handle_async_request(request)
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
            self.retry_after = parse_retry_after(response.headers.get("retry-after"))
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport if we made it."""
        if self._owned:
            await self._inner.aclose()


class ReplicateGenerator:
    """A model hosted on Replicate behind the `Generator` interface."""

    name = "replicate"

    def __init__(
        self,
        *,
        model: str = DEFAULT_MODEL,
        api_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        input: Mapping[str, Any] | None = None,
        timeout: float = 120.0,
        poll_interval: float = 1.0,
        max_output_bytes: int = DEFAULT_MAX_BYTES,
        download_timeout: float = DEFAULT_DOWNLOAD_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        output_transport: httpx.AsyncBaseTransport | None = None,
        context: BackendContext | None = None,
    ) -> None:
        try:
            self._ref = ModelVersionIdentifier.parse(model)
        except (ValueError, TypeError):
            raise BackendConfigError(
                f"[generator.options] model = {model!r} must be 'owner/name' or "
                "'owner/name:version'"
            ) from None
        self.model = model
        self._token = _TOKEN.resolve(api_token)
        self._base_url = http_url(base_url)
        self._input = table("input", input, "a table of model inputs")
        self._timeout = positive("timeout", timeout)
        self._poll_interval = positive("poll_interval", poll_interval)
        self._output = OutputFetcher.configure(
            max_output_bytes, download_timeout, context, output_transport
        )
        self._transport = transport

    def inputs(self, request: GenerationRequest) -> dict[str, Any]:
        """The model input for a request; `[generator.options] input` wins over derived values."""
        derived: dict[str, Any] = {
            "prompt": request.prompt,
            "aspect_ratio": aspect_ratio(request.width, request.height),
        }
        if request.negative_prompt:
            derived["negative_prompt"] = request.negative_prompt
        if request.seed is not None:
            derived["seed"] = request.seed
        return {**derived, **self._input}

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Run one prediction, wait for it within our deadline, and download its image."""
        start = time.perf_counter()
        inputs = self.inputs(request)
        recorder = _RetryAfterRecorder(
            self._transport or httpx.AsyncHTTPTransport(), owned=self._transport is None
        )
        client = Client(
            api_token=self._token,
            base_url=self._base_url,
            timeout=httpx.Timeout(30.0, connect=10.0),
            transport=recorder,
        )
        try:
            prediction = await self._run(client, inputs, recorder)
        finally:
            await recorder.aclose()
        url = _output_url(prediction.output)
        image = await self._output.fetch(url)
        metadata = GenerationMetadata(
            backend=self.name,
            model=prediction.model or f"{self._ref.owner}/{self._ref.name}",
            version=prediction.version or self._ref.version,
            seed=_seed(inputs, prediction),
            elapsed_s=time.perf_counter() - start,
            request_id=prediction.id,
        )
        return GeneratedImage(image.data, image.media_type, metadata)

    async def _run(
        self, client: Client, inputs: dict[str, Any], recorder: _RetryAfterRecorder
    ) -> Prediction:
        """Create and poll the prediction; translate every API failure into a reason."""
        try:
            return await self._create_and_wait(client, inputs)
        except TimeoutError:  # while creating: there is no prediction to cancel
            raise GenerationTimeout(
                f"the Replicate API did not accept the prediction within {self._timeout:g} s"
            ) from None
        except ReplicateError as exc:
            raise self._api_error(exc, recorder.retry_after) from None
        except httpx.TimeoutException:
            raise GenerationTimeout("the Replicate API did not answer in time") from None
        except httpx.HTTPError as exc:
            raise HostedModelError(
                f"could not reach the Replicate API ({type(exc).__name__})"
            ) from None

    async def _create_and_wait(self, client: Client, inputs: dict[str, Any]) -> Prediction:
        deadline = asyncio.get_running_loop().time() + self._timeout
        async with asyncio.timeout_at(deadline):
            prediction = await self._create(client, inputs)
        try:
            async with asyncio.timeout_at(deadline):
                while prediction.status not in TERMINAL:
                    await asyncio.sleep(self._poll_interval)
                    await prediction.async_reload()
        except TimeoutError:
            await _cancel(prediction)
            raise GenerationTimeout(
                f"the model did not finish within {self._timeout:g} s, so we canceled it"
            ) from None
        except (ReplicateError, httpx.HTTPError):
            await _cancel(prediction)  # we can no longer watch it, so stop it costing money
            raise
        return _finished(prediction)

    async def _create(self, client: Client, inputs: dict[str, Any]) -> Prediction:
        prediction: Prediction
        if self._ref.version:
            prediction = await client.predictions.async_create(
                version=self._ref.version, input=inputs
            )
        else:
            prediction = await client.models.predictions.async_create(
                model=(self._ref.owner, self._ref.name), input=inputs
            )
        return prediction

    def _api_error(self, exc: ReplicateError, retry_after: float | None) -> GenerationError:
        status = exc.status or 0
        reason = detail(exc.detail or exc.title)
        if status in {401, 403}:
            return _TOKEN.refused("the Replicate API token was refused", status)
        if status == 429:
            return rate_limited("Replicate", retry_after)
        if status == 404:
            return BackendConfigError(
                f"Replicate has no model {self.model!r} (HTTP 404); check [generator.options] model"
            )
        if status == 422:
            return ModelFailed(f"the model refused its input: {reason or 'invalid input'}")
        if status >= 500:
            return HostedModelError(f"Replicate is having trouble (HTTP {status}); try again later")
        return HostedModelError(f"the Replicate API refused the request (HTTP {status}): {reason}")


async def _cancel(prediction: Prediction) -> None:
    """Ask Replicate to stop a prediction we gave up on, so it stops billing; best effort."""
    try:
        async with asyncio.timeout(10.0):
            await prediction.async_cancel()
    except (TimeoutError, ReplicateError, httpx.HTTPError) as exc:
        log.warning("could not cancel Replicate prediction %s: %r", prediction.id, exc)


def _finished(prediction: Prediction) -> Prediction:
    """The prediction if it succeeded; else the error a person can act on."""
    if prediction.status == "succeeded":
        return prediction
    if prediction.status == "canceled":
        raise ModelFailed("the prediction was canceled on Replicate")
    error = detail(prediction.error)
    if _SAFETY.search(error):
        raise SafetyRefusal(
            f"the model's safety filter refused the prompt; try a different prompt ({error})"
        )
    raise ModelFailed(f"the model failed: {error or 'no reason given'}")


def _output_url(output: object) -> str:
    """The first image URL in a prediction's output (a URL or a list of them)."""
    if isinstance(output, list | tuple):
        output = next((item for item in output if isinstance(item, str)), None)
    if not isinstance(output, str) or not output:
        raise ModelFailed("the model finished but returned no image")
    return output


def _seed(inputs: Mapping[str, Any], prediction: Prediction) -> int | None:
    """The seed used: ours if we sent one, else the one the model logged, if any."""
    seed = inputs.get("seed")
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed
    match = _SEED_IN_LOGS.search(prediction.logs or "")
    return int(match.group(1)) if match else None
