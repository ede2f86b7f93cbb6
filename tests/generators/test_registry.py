"""Finding backends through the `impasto.generators` entry-point group, ours and others'."""

from __future__ import annotations

import importlib
import io
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from generators.base import (
    BackendConfigError,
    BackendContext,
    GenerationError,
    GenerationRequest,
)
from generators.builtin import BuiltinGenerator
from generators.registry import GROUP, available_backends, load_generator

FAKE_MODULE = "fake_backend_mod"
FAKE_SOURCE = textwrap.dedent(
    '''
    """A third-party image model, installed as its own distribution."""

    import io

    from PIL import Image

    from generators.base import GeneratedImage, GenerationMetadata


    class FakeGenerator:
        name = "fake"

        def __init__(self, colour="magenta", model="fake-model-1"):
            self.colour = colour
            self.model = model

        async def generate(self, request):
            image = Image.new("RGB", (request.width, request.height), self.colour)
            out = io.BytesIO()
            image.save(out, format="PNG")
            metadata = GenerationMetadata(
                backend=self.name,
                model=self.model,
                version="0.1",
                seed=request.seed,
                elapsed_s=0.0,
                request_id="fake-request",
            )
            return GeneratedImage(out.getvalue(), "image/png", metadata)
    '''
)


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Install a distribution `fake-backend` declaring `fake` in impasto.generators."""
    (tmp_path / f"{FAKE_MODULE}.py").write_text(FAKE_SOURCE)
    dist_info = tmp_path / "fake_backend-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-backend\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(f"[{GROUP}]\nfake = {FAKE_MODULE}:FakeGenerator\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    sys.modules.pop(FAKE_MODULE, None)
    importlib.invalidate_caches()


def test_builtin_is_available_and_loads() -> None:
    assert "builtin" in available_backends()

    generator = load_generator("builtin")

    assert isinstance(generator, BuiltinGenerator)
    assert generator.name == "builtin"


def test_builtin_takes_no_options_and_says_so() -> None:
    # A typo'd option for the offline painter is a mistake worth hearing about at start.
    with pytest.raises(BackendConfigError, match=r"\[generator.options\].*'builtin'"):
        load_generator("builtin", {"anything": 1})


async def test_loaded_builtin_paints() -> None:
    image = await load_generator("builtin").generate(
        GenerationRequest(prompt="a red desert", seed=3, width=96, height=64)
    )

    assert Image.open(io.BytesIO(image.data)).size == (96, 64)


def test_available_backends_are_sorted_and_unique() -> None:
    names = available_backends()

    assert names == sorted(set(names))


def test_unknown_backend_names_the_setting_and_the_choices() -> None:
    with pytest.raises(BackendConfigError) as caught:
        load_generator("no-such-model")

    reason = caught.value.reason
    assert "[generator] backend" in reason
    assert "'no-such-model'" in reason
    assert "builtin" in reason
    for name in available_backends():
        assert name in reason
    assert isinstance(caught.value, GenerationError)


def test_third_party_backend_is_listed(fake_distribution: Path) -> None:
    names = available_backends()

    assert "fake" in names and "builtin" in names


async def test_third_party_backend_is_found_and_used(fake_distribution: Path) -> None:
    generator = load_generator("fake", {})

    assert type(generator).__module__ == FAKE_MODULE
    image = await generator.generate(
        GenerationRequest(prompt="anything", seed=11, width=40, height=20)
    )
    assert image.media_type == "image/png"
    assert image.metadata.backend == "fake"
    assert image.metadata.model == "fake-model-1"
    assert image.metadata.seed == 11
    decoded = Image.open(io.BytesIO(image.data)).convert("RGB")
    assert decoded.size == (40, 20)
    assert decoded.getpixel((0, 0)) == (255, 0, 255)  # the fake's default magenta


async def test_options_from_config_reach_the_backend(fake_distribution: Path) -> None:
    generator = load_generator("fake", {"colour": "lime", "model": "fake-xl"})

    image = await generator.generate(GenerationRequest(prompt="x", width=8, height=8))
    assert image.metadata.model == "fake-xl"
    assert Image.open(io.BytesIO(image.data)).convert("RGB").getpixel((4, 4)) == (0, 255, 0)


def test_options_a_backend_does_not_take_name_the_options_setting(
    fake_distribution: Path,
) -> None:
    with pytest.raises(BackendConfigError) as caught:
        load_generator("fake", {"api_tokne": "typo"})

    assert "[generator.options]" in caught.value.reason
    assert "'fake'" in caught.value.reason
    assert "api_tokne" in caught.value.reason


def test_unknown_backend_lists_third_party_backends(fake_distribution: Path) -> None:
    with pytest.raises(BackendConfigError) as caught:
        load_generator("fak")

    assert "builtin" in caught.value.reason and "fake" in caught.value.reason


def test_the_servers_context_reaches_backends_that_take_it() -> None:
    context = BackendContext(address_allowed=lambda ip: ip == "192.0.2.1")
    generator = load_generator("replicate", {"api_token": "t"}, context)
    allowed = generator._output.address_allowed  # type: ignore[attr-defined]
    assert allowed("192.0.2.1") and not allowed("8.8.8.8")
    # A backend without a `context` parameter is made without one (the built-in painter).
    assert isinstance(load_generator("builtin", None, context), BuiltinGenerator)
    with pytest.raises(BackendConfigError, match="may not set 'context'"):
        load_generator("replicate", {"api_token": "t", "context": "x"})
