"""Any OpenAI-compatible images API: `POST {base_url}/images/generations`.

Works with OpenAI itself (gpt-image-1, dall-e-3) and with servers that copy its API. The answer
carries the image inline (`b64_json`) or as a URL, which we fetch with `download.py` so the key
never goes to the URL's host.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx

from httpcommon import parse_retry_after

from .base import (
    BackendConfigError,
    BackendContext,
    GeneratedImage,
    GenerationMetadata,
    GenerationRequest,
)
from .download import (
    DEFAULT_DOWNLOAD_TIMEOUT,
    DEFAULT_MAX_BYTES,
    OutputFetcher,
    rate_limited,
    read_capped,
    sniff_image,
    too_large,
)
from .errors import GenerationTimeout, HostedModelError, NotAnImage, SafetyRefusal
from .hosted import Credential, detail, http_url, positive, table

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-image-1"
KEY_ENV = "OPENAI_API_KEY"
_KEY = Credential("openai", "api_key", KEY_ENV, "API key")
# Error codes OpenAI uses when its moderation refuses a prompt or an image.
_SAFETY_CODES = {"content_policy_violation", "moderation_blocked"}
_SAFETY_WORDS = re.compile(r"safety system|content policy|moderation|unsafe", re.IGNORECASE)
# Room for the JSON around a base64 image: base64 is 4/3 of the bytes it encodes.
_ENVELOPE = 64_000


class OpenAIGenerator:
    """An OpenAI-compatible images API behind the `Generator` interface."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        timeout: float = 120.0,
        size: str | None = None,
        quality: str | None = None,
        response_format: str | None = None,
        params: Mapping[str, Any] | None = None,
        max_output_bytes: int = DEFAULT_MAX_BYTES,
        download_timeout: float = DEFAULT_DOWNLOAD_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        output_transport: httpx.AsyncBaseTransport | None = None,
        context: BackendContext | None = None,
    ) -> None:
        self._key = _KEY.resolve(api_key)
        root = http_url(base_url)
        self._params = table("params", params, "a table")
        if response_format not in {None, "b64_json", "url"}:
            raise BackendConfigError("[generator.options] response_format must be b64_json or url")
        self._endpoint = root + "/images/generations"
        host = httpx.URL(base_url).host
        self._service = "OpenAI" if host == "api.openai.com" else f"the image API at {host}"
        self.model = model
        self._size = size
        self._quality = quality
        self._response_format = response_format
        self._timeout = positive("timeout", timeout)
        self._output = OutputFetcher.configure(
            max_output_bytes, download_timeout, context, output_transport
        )
        self._transport = transport

    def body(self, request: GenerationRequest) -> dict[str, Any]:
        """The JSON we POST; `[generator.options] params` wins over derived values."""
        body: dict[str, Any] = {
            "model": self.model,
            "prompt": request.prompt,
            "n": 1,
            "size": self._size or f"{request.width}x{request.height}",
        }
        if self._quality:
            body["quality"] = self._quality
        # gpt-image-* always answer in b64_json and reject the parameter; DALL·E and most
        # compatible servers default to URLs, so ask them for b64_json unless told otherwise.
        response_format = self._response_format
        if response_format is None and not self.model.startswith("gpt-image"):
            response_format = "b64_json"
        if response_format:
            body["response_format"] = response_format
        return {**body, **self._params}

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Ask the API for one image and decode or download it."""
        start = time.perf_counter()
        answer, request_id = await self._call(self.body(request))
        data, media_type = await self._image(answer)
        metadata = GenerationMetadata(
            backend=self.name,
            model=self.model,
            version=None,
            seed=None,  # the OpenAI images API neither takes nor reports a seed
            elapsed_s=time.perf_counter() - start,
            request_id=request_id,
        )
        return GeneratedImage(data, media_type, metadata)

    async def _call(self, body: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """POST the request within our deadline; the parsed answer and its request id."""
        client = httpx.AsyncClient(
            transport=self._transport,
            headers={"Authorization": f"Bearer {self._key}", "User-Agent": "Impasto"},
            timeout=httpx.Timeout(self._timeout, connect=10.0),
            follow_redirects=False,  # a redirect must not carry the key to another host
            trust_env=self._transport is None,  # an injected transport is never bypassed by a proxy
        )
        limit = self._output.max_bytes * 4 // 3 + _ENVELOPE
        try:
            async with client, asyncio.timeout(self._timeout):
                async with client.stream("POST", self._endpoint, json=body) as response:
                    if response.status_code == httpx.codes.OK:
                        raw = await read_capped(response, limit)
                    else:
                        raw = await _error_body(response)
        except (TimeoutError, httpx.TimeoutException):
            raise GenerationTimeout(
                f"{self._service} did not answer within {self._timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise HostedModelError(
                f"could not reach {self._service} ({type(exc).__name__})"
            ) from None
        answer = _json(raw)
        if response.status_code != httpx.codes.OK:
            raise self._api_error(response, answer)
        return answer, response.headers.get("x-request-id")

    def _api_error(self, response: httpx.Response, answer: dict[str, Any]) -> HostedModelError:
        status = response.status_code
        error = answer.get("error")
        error = error if isinstance(error, dict) else {}
        message = detail(error.get("message"))
        code = str(error.get("code") or error.get("type") or "")
        if status in {401, 403}:
            return _KEY.refused(f"the API key was refused by {self._service}", status)
        if code in _SAFETY_CODES or (status == 400 and _SAFETY_WORDS.search(message)):
            return SafetyRefusal(f"the model's safety filter refused the prompt ({message})")
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            return rate_limited(self._service, retry_after, message)
        if status >= 500:
            return HostedModelError(
                f"{self._service} is having trouble (HTTP {status}); try again later"
            )
        return HostedModelError(
            f"{self._service} refused the request (HTTP {status}): {message or 'no reason given'}"
        )

    async def _image(self, answer: dict[str, Any]) -> tuple[bytes, str]:
        """The image in a successful answer: inline base64 or a URL to download."""
        data = answer.get("data")
        first = data[0] if isinstance(data, list) and data else None
        if not isinstance(first, dict):
            raise HostedModelError(f"{self._service} answered without an image")
        if isinstance(first.get("b64_json"), str):
            return self._decode(first["b64_json"])
        if isinstance(first.get("url"), str):
            image = await self._output.fetch(first["url"])
            return image.data, image.media_type
        raise HostedModelError(f"{self._service} answered without an image")

    def _decode(self, encoded: str) -> tuple[bytes, str]:
        if len(encoded) * 3 // 4 > self._output.max_bytes + 3:
            raise too_large(self._output.max_bytes)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise NotAnImage("the model's output is not an image (bad base64)") from None
        if len(data) > self._output.max_bytes:
            raise too_large(self._output.max_bytes)
        media_type = sniff_image(data)
        if media_type is None:
            raise NotAnImage("the model's output is not an image")
        return data, media_type


async def _error_body(response: httpx.Response) -> bytes:
    """An error answer's body, or nothing when it is too long to be a JSON error."""
    try:
        return await read_capped(response, _ENVELOPE)
    except HostedModelError:
        return b""


def _json(raw: bytes) -> dict[str, Any]:
    """The answer as a JSON object; an empty one when it is not JSON (e.g. a proxy's HTML)."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
