"""The Replicate backend against a loopback fake of the Replicate API and a separate output host."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from generators.base import BackendConfigError, GenerationRequest
from generators.errors import (
    CredentialsRefused,
    GenerationTimeout,
    HostedModelError,
    ModelFailed,
    NotAnImage,
    OutputTooLarge,
    RateLimited,
    SafetyRefusal,
)
from generators.registry import load_generator
from generators.replicate import ReplicateGenerator, aspect_ratio
from tests.support.model_hosts import LOOPBACK, PNG, FakeReplicate, OutputHost

TOKEN = "r8_test_token_do_not_leak"
pytestmark = pytest.mark.usefixtures("no_proxy")  # loopback fakes, never a proxy


@pytest.fixture
async def api() -> AsyncIterator[FakeReplicate]:
    async with FakeReplicate.running() as fake:
        yield fake


def backend(api: FakeReplicate, **options: Any) -> ReplicateGenerator:
    """A generator pointed at the fake, polling fast."""
    options = {
        "api_token": TOKEN,
        "base_url": api.base_url,
        "poll_interval": 0.01,
        "context": LOOPBACK,
        **options,
    }
    return ReplicateGenerator(**options)


def problem(status: int, detail: str, **headers: str) -> web.Response:
    """An RFC 7807 error response as Replicate sends them."""
    body = {"title": "error", "detail": detail, "status": status}
    return web.Response(
        status=status,
        text=json.dumps(body),
        headers={"Content-Type": "application/problem+json", **headers},
    )


async def test_lifecycle_succeeds(api: FakeReplicate, output_host: OutputHost) -> None:
    api.output = [output_host.serve("/out-0.png", PNG, "image/png")]
    image = await backend(api).generate(
        GenerationRequest("a lighthouse at dusk", width=1344, height=768, seed=7)
    )
    assert (image.data, image.media_type) == (PNG, "image/png")
    meta = image.metadata
    assert (meta.backend, meta.model, meta.request_id, meta.seed) == (
        "replicate",
        "black-forest-labs/flux-schnell",
        "pred-123",
        7,
    )
    assert meta.version == "dp-4d0bcc010b3049749a251855f12800be"
    assert meta.elapsed_s > 0
    create, *polls = api.requests
    assert create.path == "/v1/models/black-forest-labs/flux-schnell/predictions"
    assert create.headers["Authorization"] == f"Bearer {TOKEN}"
    assert api.bodies[0]["input"] == {
        "prompt": "a lighthouse at dusk",
        "aspect_ratio": "16:9",
        "seed": 7,
    }
    assert [seen.path for seen in polls] == ["/v1/predictions/pred-123"] * 2
    assert api.cancels == []


async def test_token_never_reaches_the_output_host(
    api: FakeReplicate, output_host: OutputHost
) -> None:
    output_host.serve("/final.webp", PNG, "application/octet-stream")
    api.output = output_host.redirect("/signed", "/final.webp")  # a bare URL, redirected
    image = await backend(api).generate(GenerationRequest("a quiet harbour"))
    assert image.data == PNG
    assert [seen.path for seen in output_host.requests] == ["/signed", "/final.webp"]
    assert output_host.secrets_seen(TOKEN) == []


async def test_pinned_version_and_input_overrides(
    api: FakeReplicate, output_host: OutputHost
) -> None:
    api.output = [output_host.serve("/o.png", PNG)]
    api.logs = "Using seed: 424242\nRunning..."
    generator = backend(
        api,
        model="acme/painter:abc123",
        input={"aspect_ratio": "3:2", "output_format": "png"},
    )
    image = await generator.generate(GenerationRequest("pines", negative_prompt="blurry"))
    assert api.requests[0].path == "/v1/predictions"
    assert api.bodies[0]["version"] == "abc123"
    assert api.bodies[0]["input"] == {
        "prompt": "pines",
        "aspect_ratio": "3:2",
        "negative_prompt": "blurry",
        "output_format": "png",
    }
    assert image.metadata.seed == 424242  # the model logged the seed it picked


async def test_model_error_surfaces(api: FakeReplicate) -> None:
    api.statuses = ["starting", "failed"]
    api.error = "CUDA out of memory while decoding"
    with pytest.raises(ModelFailed, match="the model failed: CUDA out of memory while decoding"):
        await backend(api).generate(GenerationRequest("a cathedral"))


async def test_safety_filter(api: FakeReplicate) -> None:
    api.statuses = ["processing", "failed"]
    api.error = "NSFW content detected. Try running it again, or try a different prompt."
    with pytest.raises(SafetyRefusal, match="safety filter refused the prompt"):
        await backend(api).generate(GenerationRequest("something"))


async def test_deadline_cancels_the_prediction(api: FakeReplicate) -> None:
    api.statuses = ["starting", "processing"]  # never finishes
    with pytest.raises(GenerationTimeout, match=r"did not finish within 0\.3 s"):
        await backend(api, timeout=0.3).generate(GenerationRequest("slow"))
    assert api.cancels == ["pred-123"]
    assert api.requests[-1].method == "POST"
    assert api.requests[-1].path == "/v1/predictions/pred-123/cancel"
    assert api.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"


async def test_deadline_while_creating(api: FakeReplicate) -> None:
    api.create_delay = 2.0
    with pytest.raises(GenerationTimeout, match=r"did not accept the prediction within 0\.3 s"):
        await backend(api, timeout=0.3).generate(GenerationRequest("slow"))
    assert api.cancels == []


async def test_losing_track_of_a_prediction_cancels_it(api: FakeReplicate) -> None:
    api.poll_reply = problem(500, "internal error")
    with pytest.raises(HostedModelError, match=r"Replicate is having trouble \(HTTP 500\)"):
        await backend(api).generate(GenerationRequest("x"))
    assert api.cancels == ["pred-123"]


async def test_canceled_elsewhere(api: FakeReplicate) -> None:
    api.statuses = ["starting", "canceled"]
    with pytest.raises(ModelFailed, match="canceled on Replicate"):
        await backend(api).generate(GenerationRequest("x"))


@pytest.mark.parametrize("status", [401, 403])
async def test_bad_token(api: FakeReplicate, status: int) -> None:
    api.create_reply = problem(status, "You did not pass a valid authentication token")
    with pytest.raises(CredentialsRefused, match="the Replicate API token was refused"):
        await backend(api).generate(GenerationRequest("x"))


async def test_rate_limited_says_when(api: FakeReplicate) -> None:
    api.create_reply = problem(429, "Request was throttled.", **{"Retry-After": "17"})
    with pytest.raises(RateLimited, match="try again in 17 s") as caught:
        await backend(api).generate(GenerationRequest("x"))
    assert caught.value.retry_after == 17.0


async def test_unknown_model_names_the_setting(api: FakeReplicate) -> None:
    api.create_reply = problem(404, "The requested resource could not be found.")
    with pytest.raises(BackendConfigError, match=r"\[generator.options\] model"):
        await backend(api, model="nobody/nothing").generate(GenerationRequest("x"))


async def test_oversized_output(api: FakeReplicate, output_host: OutputHost) -> None:
    api.output = [output_host.serve("/big.png", PNG + b"\0" * 4000)]
    with pytest.raises(OutputTooLarge, match="larger than"):
        await backend(api, max_output_bytes=1000).generate(GenerationRequest("x"))


async def test_non_image_output(api: FakeReplicate, output_host: OutputHost) -> None:
    api.output = [output_host.serve("/oops", b"<html>error</html>", "text/html")]
    with pytest.raises(NotAnImage, match="not an image"):
        await backend(api).generate(GenerationRequest("x"))


async def test_no_output(api: FakeReplicate) -> None:
    api.output = []
    with pytest.raises(ModelFailed, match="returned no image"):
        await backend(api).generate(GenerationRequest("x"))


@pytest.mark.parametrize(
    ("width", "height", "ratio"),
    [
        (1024, 1024, "1:1"),
        (1344, 768, "16:9"),
        (768, 1344, "9:16"),
        (1200, 800, "3:2"),
        (2560, 1080, "21:9"),
    ],
)
def test_aspect_ratio(width: int, height: int, ratio: str) -> None:
    assert aspect_ratio(width, height) == ratio


def test_registry_loads_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    generator = load_generator("replicate", {"api_token": TOKEN, "model": "acme/painter"})
    assert isinstance(generator, ReplicateGenerator)
    assert generator.name == "replicate"


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
    assert isinstance(load_generator("replicate", {}), ReplicateGenerator)


def test_missing_token_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    with pytest.raises(BackendConfigError) as caught:
        load_generator("replicate", {})
    assert "[generator.options] api_token" in caught.value.reason
    assert "REPLICATE_API_TOKEN" in caught.value.reason


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({"model": "no-slash"}, "model"),
        ({"timeout": 0}, "timeout"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"input": "prompt"}, "input"),
    ],
)
def test_bad_options_name_the_setting(options: dict[str, Any], setting: str) -> None:
    with pytest.raises(BackendConfigError, match=rf"\[generator.options\] {setting}"):
        ReplicateGenerator(api_token=TOKEN, **options)
