"""The OpenAI-compatible backend against a loopback fake images API and a separate output host."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from generators.base import BackendConfigError, GenerationRequest
from generators.errors import (
    CredentialsRefused,
    GenerationTimeout,
    HostedModelError,
    NotAnImage,
    OutputTooLarge,
    RateLimited,
    SafetyRefusal,
)
from generators.openai import OpenAIGenerator
from generators.registry import load_generator
from tests.support.model_hosts import LOOPBACK, PNG, OutputHost, Seen, image_bytes

KEY = "sk-test-key-do-not-leak"
pytestmark = pytest.mark.usefixtures("no_proxy")  # loopback fakes, never a proxy


class FakeImagesAPI:
    """`POST /v1/images/generations`; each test sets the reply."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.bodies: list[dict[str, Any]] = []
        self.reply: web.Response = web.json_response({"data": []})
        self.delay = 0.0
        app = web.Application()
        app.router.add_post("/v1/images/generations", self._generate)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        """The API root, as configured in `[generator.options] base_url`."""
        return str(self.server.make_url("/v1"))

    def answer(self, **item: str) -> None:
        """Reply 200 with one image item (b64_json=... or url=...)."""
        body = {"created": 1, "data": [item]}
        self.reply = web.json_response(body, headers={"x-request-id": "req_abc"})

    def fail(self, status: int, message: str, code: str | None = None, **headers: str) -> None:
        """Reply with an OpenAI-style error object."""
        error = {"message": message, "type": "invalid_request_error", "code": code}
        self.reply = web.json_response({"error": error}, status=status, headers=headers)

    async def _generate(self, request: web.Request) -> web.Response:
        self.requests.append(Seen(request.method, request.path, dict(request.headers)))
        self.bodies.append(await request.json())
        await asyncio.sleep(self.delay)
        return self.reply


@pytest.fixture
async def api() -> AsyncIterator[FakeImagesAPI]:
    fake = FakeImagesAPI()
    await fake.server.start_server()
    try:
        yield fake
    finally:
        await fake.server.close()


def backend(api: FakeImagesAPI, **options: Any) -> OpenAIGenerator:
    """A generator pointed at the fake."""
    return OpenAIGenerator(
        **{"api_key": KEY, "base_url": api.base_url, "context": LOOPBACK, **options}
    )


def b64(data: bytes) -> str:
    """Base64 text as the API sends it."""
    return base64.b64encode(data).decode()


async def test_inline_b64_output(api: FakeImagesAPI) -> None:
    api.answer(b64_json=b64(PNG), revised_prompt="a red fox in snow")
    image = await backend(api).generate(GenerationRequest("a fox", width=1024, height=1536))
    assert (image.data, image.media_type) == (PNG, "image/png")
    meta = image.metadata
    assert (meta.backend, meta.model, meta.request_id, meta.version) == (
        "openai",
        "gpt-image-1",
        "req_abc",
        None,
    )
    assert api.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    # gpt-image-1 rejects response_format; it always answers in b64_json.
    assert api.bodies == [{"model": "gpt-image-1", "prompt": "a fox", "n": 1, "size": "1024x1536"}]


async def test_options_shape_the_request(api: FakeImagesAPI) -> None:
    api.answer(b64_json=b64(image_bytes("JPEG")))
    generator = backend(
        api, model="dall-e-3", size="1792x1024", quality="hd", params={"style": "natural"}
    )
    image = await generator.generate(GenerationRequest("dunes"))
    assert image.media_type == "image/jpeg"
    assert api.bodies[0] == {
        "model": "dall-e-3",
        "prompt": "dunes",
        "n": 1,
        "size": "1792x1024",
        "quality": "hd",
        "response_format": "b64_json",
        "style": "natural",
    }


async def test_url_output_is_downloaded_without_the_key(
    api: FakeImagesAPI, output_host: OutputHost
) -> None:
    api.answer(url=output_host.serve("/img/abc.png", PNG))
    image = await backend(api, model="dall-e-2", response_format="url").generate(
        GenerationRequest("a kite")
    )
    assert image.data == PNG
    assert api.bodies[0]["response_format"] == "url"
    assert [seen.path for seen in output_host.requests] == ["/img/abc.png"]
    assert output_host.secrets_seen(KEY) == []


async def test_bad_key(api: FakeImagesAPI) -> None:
    api.fail(401, "Incorrect API key provided: sk-test***leak.", "invalid_api_key")
    with pytest.raises(CredentialsRefused, match="API key was refused") as caught:
        await backend(api).generate(GenerationRequest("x"))
    assert "OPENAI_API_KEY" in caught.value.reason
    assert "sk-test" not in caught.value.reason


async def test_rate_limited_says_when(api: FakeImagesAPI) -> None:
    api.fail(429, "Rate limit reached for images per minute.", **{"Retry-After": "20"})
    with pytest.raises(RateLimited, match=r"Rate limit reached.*try again in 20 s") as caught:
        await backend(api).generate(GenerationRequest("x"))
    assert caught.value.retry_after == 20.0


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("content_policy_violation", "Your request was rejected as a result of our safety system."),
        ("moderation_blocked", "Your request was rejected by the safety system."),
        (None, "This request has been blocked by our content policy."),
    ],
)
async def test_content_policy(api: FakeImagesAPI, code: str | None, message: str) -> None:
    api.fail(400, message, code)
    with pytest.raises(SafetyRefusal, match="safety filter refused the prompt"):
        await backend(api).generate(GenerationRequest("x"))


async def test_other_client_errors_carry_the_api_message(api: FakeImagesAPI) -> None:
    api.fail(400, "Invalid value: '999x999'. Supported values are: '1024x1024'.", "invalid_value")
    with pytest.raises(HostedModelError, match=r"HTTP 400\): Invalid value: '999x999'"):
        await backend(api).generate(GenerationRequest("x", width=999, height=999))


async def test_server_error(api: FakeImagesAPI) -> None:
    api.reply = web.Response(status=502, text="<html>bad gateway</html>")
    with pytest.raises(HostedModelError, match=r"having trouble \(HTTP 502\)"):
        await backend(api).generate(GenerationRequest("x"))


async def test_deadline(api: FakeImagesAPI) -> None:
    api.delay = 2.0
    api.answer(b64_json=b64(PNG))
    with pytest.raises(GenerationTimeout, match=r"did not answer within 0\.3 s"):
        await backend(api, timeout=0.3).generate(GenerationRequest("x"))


async def test_oversized_b64_output(api: FakeImagesAPI) -> None:
    api.answer(b64_json=b64(PNG + b"\0" * 4000))
    with pytest.raises(OutputTooLarge, match="larger than"):
        await backend(api, max_output_bytes=1000).generate(GenerationRequest("x"))


async def test_oversized_url_output(api: FakeImagesAPI, output_host: OutputHost) -> None:
    api.answer(url=output_host.serve("/big.png", PNG + b"\0" * 4000))
    with pytest.raises(OutputTooLarge, match="larger than"):
        await backend(api, max_output_bytes=1000).generate(GenerationRequest("x"))


async def test_oversized_answer_is_cut_off(api: FakeImagesAPI) -> None:
    api.reply = web.json_response({"data": [{"b64_json": "A" * 100_000}]})
    with pytest.raises(OutputTooLarge):
        await backend(api, max_output_bytes=1000).generate(GenerationRequest("x"))


@pytest.mark.parametrize("payload", [b"<html>hello</html>", b"not an image at all"])
async def test_non_image_b64_output(api: FakeImagesAPI, payload: bytes) -> None:
    api.answer(b64_json=b64(payload))
    with pytest.raises(NotAnImage, match="not an image"):
        await backend(api).generate(GenerationRequest("x"))


async def test_answer_without_image(api: FakeImagesAPI) -> None:
    api.reply = web.json_response({"data": []})
    with pytest.raises(HostedModelError, match="answered without an image"):
        await backend(api).generate(GenerationRequest("x"))


async def test_injected_transport() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [{"b64_json": b64(PNG)}]})

    generator = OpenAIGenerator(api_key=KEY, transport=httpx.MockTransport(handler))
    image = await generator.generate(GenerationRequest("x"))
    assert image.data == PNG
    assert str(seen[0].url) == "https://api.openai.com/v1/images/generations"


def test_registry_loads_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    generator = load_generator("openai", {"api_key": KEY, "model": "dall-e-3"})
    assert isinstance(generator, OpenAIGenerator)
    assert generator.name == "openai"


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert isinstance(load_generator("openai", {}), OpenAIGenerator)


def test_missing_key_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendConfigError) as caught:
        load_generator("openai", {"base_url": "http://127.0.0.1:9/v1"})
    assert "[generator.options] api_key" in caught.value.reason
    assert "OPENAI_API_KEY" in caught.value.reason


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({"timeout": -1}, "timeout"),
        ({"base_url": "api.openai.com"}, "base_url"),
        ({"response_format": "png"}, "response_format"),
        ({"params": "style=vivid"}, "params"),
    ],
)
def test_bad_options_name_the_setting(options: dict[str, Any], setting: str) -> None:
    with pytest.raises(BackendConfigError, match=rf"\[generator.options\] {setting}"):
        OpenAIGenerator(api_key=KEY, **options)
