"""The built-in offline painter: deterministic, steered by the prompt, a real picture."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image, ImageChops, ImageStat

from generators.base import GeneratedImage, GenerationRequest
from generators.builtin import MODEL, VERSION, BuiltinGenerator, seed_for

OCEAN = "a calm blue ocean at night"
DESERT = "a red desert at noon"
SIZE = 256  # small enough to be quick; the size tests use the real sizes


async def paint(prompt: str, seed: int | None = 7, width: int = SIZE, height: int = SIZE):
    request = GenerationRequest(prompt=prompt, seed=seed, width=width, height=height)
    return await BuiltinGenerator().generate(request)


def picture(image: GeneratedImage) -> Image.Image:
    decoded = Image.open(io.BytesIO(image.data))
    decoded.load()
    return decoded


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute per-channel difference, 0..255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def noise(width: int, height: int) -> Image.Image:
    return Image.merge("RGB", [Image.effect_noise((width, height), 80) for _ in range(3)])


def neighbour_difference(image: Image.Image) -> float:
    """Mean absolute difference between horizontally adjacent pixels: high for noise."""
    grey = image.convert("L")
    shifted = grey.crop((1, 0, grey.width, grey.height))
    return ImageStat.Stat(
        ImageChops.difference(grey.crop((0, 0, grey.width - 1, grey.height)), shifted)
    ).mean[0]


def compression_ratio(image: Image.Image) -> float:
    raw = image.convert("RGB").tobytes()
    return len(zlib.compress(raw, 6)) / len(raw)


async def test_same_prompt_and_seed_give_identical_bytes() -> None:
    first = await paint(OCEAN, seed=1234)
    second = await paint(OCEAN, seed=1234)

    assert first.data == second.data


async def test_different_seed_gives_a_different_picture() -> None:
    first = await paint(OCEAN, seed=1)
    second = await paint(OCEAN, seed=2)

    assert first.data != second.data
    assert mean_difference(picture(first), picture(second)) > 3


async def test_no_seed_picks_a_stable_one_and_reports_it() -> None:
    first = await paint(DESERT, seed=None)
    second = await paint(DESERT, seed=None)

    assert first.metadata.seed == second.metadata.seed == seed_for(DESERT)
    assert first.data == second.data
    # the reported seed reproduces the picture
    assert (await paint(DESERT, seed=first.metadata.seed)).data == first.data
    # and different prompts get different default seeds
    assert seed_for(OCEAN) != seed_for(DESERT)


async def test_different_prompts_give_visibly_different_pictures() -> None:
    ocean = picture(await paint(OCEAN))
    desert = picture(await paint(DESERT))

    assert mean_difference(ocean, desert) > 25


async def test_prompt_colours_steer_the_palette() -> None:
    ocean = picture(await paint("a calm blue ocean"))
    ocean_red, _, ocean_blue = ImageStat.Stat(ocean.convert("RGB")).mean
    desert_red, _, desert_blue = ImageStat.Stat(picture(await paint(DESERT)).convert("RGB")).mean

    assert ocean_blue > ocean_red + 30  # a blue ocean is blue
    assert desert_red > desert_blue + 30  # a red desert is red
    assert desert_red > ocean_red + 30
    assert ocean_blue > desert_blue + 30


async def test_time_of_day_is_honoured_after_a_landscape_word() -> None:
    night = picture(await paint(OCEAN)).convert("L")
    plain = picture(await paint("a calm blue ocean")).convert("L")

    assert ImageStat.Stat(night).mean[0] < ImageStat.Stat(plain).mean[0] - 40


async def test_night_is_dark() -> None:
    night = picture(await paint("mountains at night")).convert("L")
    noon = picture(await paint("mountains at noon")).convert("L")

    assert ImageStat.Stat(night).mean[0] < 90
    assert ImageStat.Stat(night).mean[0] < ImageStat.Stat(noon).mean[0] - 40


@pytest.mark.parametrize(("width", "height"), [(1024, 1024), (640, 384), (384, 640)])
async def test_requested_size_is_honoured(width: int, height: int) -> None:
    image = await paint(OCEAN, width=width, height=height)

    assert picture(image).size == (width, height)


async def test_output_is_the_declared_media_type() -> None:
    image = await paint(OCEAN)

    assert image.media_type == "image/png"
    decoded = picture(image)
    assert decoded.format == "PNG"
    assert Image.MIME[decoded.format] == image.media_type
    assert decoded.mode == "RGB"


async def test_metadata_describes_how_it_was_made() -> None:
    image = await paint(OCEAN, seed=99)

    meta = image.metadata
    assert meta.backend == "builtin" == BuiltinGenerator.name
    assert meta.model == MODEL == "Impasto built-in painter"
    assert meta.version == VERSION
    assert meta.seed == 99
    assert meta.elapsed_s >= 0
    assert meta.request_id is None


async def test_a_picture_not_noise() -> None:
    painted = picture(await paint(OCEAN, width=512, height=512))
    random_noise = noise(512, 512)
    # the measures tell noise apart at all
    assert neighbour_difference(random_noise) > 30
    assert compression_ratio(random_noise) > 0.9

    assert neighbour_difference(painted) < 8
    assert compression_ratio(painted) < 0.6


async def test_a_picture_has_structure_not_one_flat_colour() -> None:
    painted = picture(await paint(DESERT)).convert("RGB")

    assert max(ImageStat.Stat(painted).stddev) > 15
    top = ImageStat.Stat(painted.crop((0, 0, SIZE, SIZE // 4))).mean
    bottom = ImageStat.Stat(painted.crop((0, SIZE * 3 // 4, SIZE, SIZE))).mean
    assert sum(abs(t - b) for t, b in zip(top, bottom, strict=True)) > 30  # sky is not land


async def test_small_sizes_are_painted() -> None:
    generator = BuiltinGenerator()

    image = await generator.generate(GenerationRequest(prompt=OCEAN, seed=5, width=64, height=64))
    assert picture(image).size == (64, 64)
