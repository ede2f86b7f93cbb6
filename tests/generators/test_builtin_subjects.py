"""The built-in painter paints what the prompt names: pixel checks on its pictures."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable

import pytest
from PIL import Image, ImageChops, ImageStat

from generators.base import GenerationRequest
from generators.builtin import BuiltinGenerator

SIZE = 256
Pixel = tuple[int, int, int]


async def painted(prompt: str, seed: int = 7, size: int = SIZE) -> Image.Image:
    request = GenerationRequest(prompt=prompt, seed=seed, width=size, height=size)
    image = await BuiltinGenerator().generate(request)
    decoded = Image.open(io.BytesIO(image.data))
    decoded.load()
    return decoded.convert("RGB")


def hsv(pixel: Pixel) -> tuple[float, float, float]:
    """Hue in degrees, saturation and value in 0..1."""
    r, g, b = (c / 255 for c in pixel)
    high, low = max(r, g, b), min(r, g, b)
    if high == low:
        return 0.0, 0.0, high
    span = high - low
    if high == r:
        hue = ((g - b) / span) % 6
    elif high == g:
        hue = (b - r) / span + 2
    else:
        hue = (r - g) / span + 4
    return hue * 60, span / high, high


def near_white(p: Pixel) -> bool:
    return min(p) > 185 and max(p) - min(p) < 45


def red_orange(p: Pixel) -> bool:
    hue, saturation, value = hsv(p)
    return (hue < 35 or hue > 345) and saturation > 0.5 and value > 0.45


HUES = {  # colour word -> (lowest, highest) hue in degrees
    "red": (-15, 12),
    "orange": (18, 38),
    "yellow": (45, 65),
    "green": (90, 150),
    "blue": (205, 245),
    "purple": (265, 300),
}


def coloured(name: str) -> Callable[[Pixel], bool]:
    low, high = HUES[name]

    def test(p: Pixel) -> bool:
        hue, saturation, value = hsv(p)
        if hue > 300 and low < 0:
            hue -= 360
        return low <= hue <= high and saturation > 0.45 and value > 0.35

    return test


def where(image: Image.Image, test: Callable[[Pixel], bool]) -> list[tuple[int, int]]:
    """(x, y) of every pixel that passes the test."""
    width, data = image.width, image.convert("RGB").tobytes()
    return [
        (i // 3 % width, i // 3 // width)
        for i in range(0, len(data), 3)
        if test((data[i], data[i + 1], data[i + 2]))
    ]


def fraction(image: Image.Image, test: Callable[[Pixel], bool]) -> float:
    return len(where(image, test)) / (image.width * image.height)


def brightness(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("L")).mean[0]


def top(image: Image.Image, share: float) -> Image.Image:
    return image.crop((0, 0, image.width, round(image.height * share)))


def bottom(image: Image.Image, share: float) -> Image.Image:
    return image.crop((0, round(image.height * (1 - share)), image.width, image.height))


def clusters(points: list[tuple[int, int]], least: int) -> list[list[tuple[int, int]]]:
    """Groups of 8-connected points with at least `least` points each."""
    left = set(points)
    groups = []
    while left:
        stack = [left.pop()]
        group = []
        while stack:
            x, y = stack.pop()
            group.append((x, y))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    if (x + dx, y + dy) in left:
                        left.remove((x + dx, y + dy))
                        stack.append((x + dx, y + dy))
        if len(group) >= least:
            groups.append(group)
    return groups


async def test_a_red_fox_in_the_snow() -> None:
    image = await painted("a red fox in the snow")

    # snow: the ground is mostly near white
    assert fraction(bottom(image, 0.35), near_white) > 0.5
    # the fox: a compact patch of red-orange, not scattered over the picture
    fox = where(image, red_orange)
    assert len(fox) > 0.01 * SIZE * SIZE
    biggest = max(clusters(fox, 1), key=len)
    assert len(biggest) > 0.6 * len(fox)
    xs = sorted(x for x, _ in biggest)
    assert xs[-1] - xs[0] < 0.6 * SIZE


async def test_snow_makes_a_white_ground_and_grass_does_not() -> None:
    snow = await painted("a fox in the snow")
    grass = await painted("a fox in a meadow")

    assert fraction(bottom(snow, 0.35), near_white) > 0.5
    assert fraction(bottom(grass, 0.35), near_white) < 0.1
    assert fraction(bottom(grass, 0.35), coloured("green")) > 0.3


@pytest.mark.parametrize("prompt", ["a fox {}", "a lighthouse {}", "a house by a lake {}"])
async def test_night_has_a_dark_sky_and_noon_a_light_one(prompt: str) -> None:
    night = await painted(prompt.format("at night"))
    noon = await painted(prompt.format("at noon"))

    assert brightness(top(night, 0.25)) < 60
    assert brightness(top(noon, 0.25)) > 130
    red, _, blue = ImageStat.Stat(top(noon, 0.25)).mean
    assert blue > red + 20  # a blue day sky


async def test_sunset_and_dawn_warm_the_sky_near_the_horizon() -> None:
    for prompt in ("a fox at sunset", "a boat on the sea at dawn"):
        image = await painted(prompt)
        band = image.crop((0, round(SIZE * 0.3), SIZE, round(SIZE * 0.45)))
        red, _, blue = ImageStat.Stat(band).mean
        assert red > blue + 25, prompt


@pytest.mark.parametrize(
    ("subject", "colour", "other"),
    [  # colours the day's sky and grass do not have, so that a patch of them is the subject
        ("car", "purple", "orange"),
        ("house", "purple", "yellow"),
        ("boat on the sea", "yellow", "purple"),
        ("cat", "orange", "purple"),
        ("fox", "purple", "yellow"),
    ],
)
async def test_a_named_colour_shows_on_its_subject(subject: str, colour: str, other: str) -> None:
    named = await painted(f"a {colour} {subject}")
    contrast = await painted(f"a {other} {subject}")

    # the colour named covers at least 1 % more of the picture than with the other colour named
    assert fraction(named, coloured(colour)) > fraction(contrast, coloured(colour)) + 0.01
    assert fraction(contrast, coloured(other)) > fraction(named, coloured(other)) + 0.01
    # and it is on the subject: one patch, not a band across the landscape
    patch = max(clusters(where(named, coloured(colour)), 1), key=len)
    assert len(patch) > 0.01 * SIZE * SIZE
    xs = [x for x, _ in patch]
    assert max(xs) - min(xs) < 0.75 * SIZE


async def test_subjects_stand_in_the_order_they_are_named() -> None:
    def centre_x(image: Image.Image, colour: str) -> float:
        points = where(image, coloured(colour))
        assert len(points) > 0.005 * SIZE * SIZE, colour
        return sum(x for x, _ in points) / len(points)

    for seed in (1, 2, 3):
        first = await painted("a yellow cat and a blue car", seed=seed)
        assert centre_x(first, "yellow") < centre_x(first, "blue")
        second = await painted("a blue car and a yellow cat", seed=seed)
        assert centre_x(second, "blue") < centre_x(second, "yellow")


def pale(p: Pixel) -> bool:
    """White or nearly, warmed or cooled by the light."""
    _, saturation, value = hsv(p)
    return value > 0.8 and saturation < 0.25


def alternations(column: list[Pixel]) -> int:
    """How many times a column goes from red to white or back (runs of 2 pixels or more)."""
    runs: list[list[str | int]] = []
    for pixel in column:
        hue, saturation, _ = hsv(pixel)
        red = (hue < 15 or hue > 345) and saturation > 0.5
        kind = "w" if pale(pixel) else "r" if red else ""
        if runs and runs[-1][0] == kind:
            runs[-1][1] = int(runs[-1][1]) + 1
        else:
            runs.append([kind, 1])
    kinds = [kind for kind, length in runs if kind and int(length) >= 2]
    return sum(1 for a, b in itertools.pairwise(kinds) if a != b)


async def test_a_lighthouse_is_a_striped_tower_with_a_lit_lamp() -> None:
    image = await painted("a lighthouse on a cliff at sunset")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    best = max(
        alternations([pixels[x, y] for y in range(height)])  # type: ignore[misc]
        for x in range(width)
    )

    assert best >= 4  # red, white, red, white, red
    lamp = where(image, lambda p: hsv(p)[0] < 62 and hsv(p)[1] > 0.4 and hsv(p)[2] > 0.9)
    assert lamp


async def test_a_city_at_night_has_lit_windows_and_a_moon() -> None:
    image = await painted("a city skyline at night under the moon")

    assert brightness(top(image, 0.25)) < 60
    lit = where(bottom(image, 0.6), lambda p: 40 <= hsv(p)[0] <= 62 and min(p[0], p[1]) > 170)
    assert len(clusters(lit, 2)) >= 12  # many separate windows
    moon = where(top(image, 0.5), lambda p: min(p) > 200)
    assert len(moon) > 0.002 * SIZE * SIZE


async def test_a_sailing_boat_has_a_white_sail_over_the_water() -> None:
    image = await painted("a sailing boat on the sea at dawn")

    sail = [(x, y) for x, y in where(image, near_white) if 0.2 * SIZE < y < 0.8 * SIZE]
    assert max((len(c) for c in clusters(sail, 1)), default=0) > 0.004 * SIZE * SIZE


async def test_three_birds_fly_over_the_mountain_lake() -> None:
    image = await painted("three birds over a mountain lake")
    sky = top(image, 0.3)
    dark = where(sky, lambda p: max(p) < 70)

    assert len(clusters(dark, 6)) == 3


async def test_subject_pictures_are_deterministic_and_seeded() -> None:
    prompt = "a red fox in the snow"
    first = await painted(prompt, seed=11)
    again = await painted(prompt, seed=11)
    other = await painted(prompt, seed=12)

    assert first.tobytes() == again.tobytes()
    assert ImageStat.Stat(ImageChops.difference(first, other)).mean[0] > 3


async def test_the_post_names_the_built_in_painter() -> None:
    request = GenerationRequest(prompt="a red fox", seed=1, width=64, height=64)
    image = await BuiltinGenerator().generate(request)

    assert image.metadata.model == "Impasto built-in painter"
    assert BuiltinGenerator.model == "Impasto built-in painter"
