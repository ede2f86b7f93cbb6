"""Water for subject pictures: the open sea with its waves, a lake mirroring what stands behind
it, a winding river, a beach's shoreline, and the glitter of the sun or moon on the water."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from .canvas import Stage, mix
from .palette import RGB
from .sky import gradient

# time of day -> (water at the horizon, water nearest the viewer)
WATERS: dict[str, tuple[RGB, RGB]] = {
    "dawn": ((200, 170, 190), (70, 100, 150)),
    "day": ((120, 170, 210), (30, 90, 150)),
    "sunset": ((230, 140, 100), (60, 50, 100)),
    "dusk": ((120, 90, 130), (30, 30, 70)),
    "night": ((30, 42, 80), (6, 12, 30)),
}


def water_colours(time: str, tint: RGB | None) -> tuple[RGB, RGB]:
    """The water's colours for the time of day, steered by a named colour."""
    far, near = WATERS.get(time, WATERS["day"])
    if tint is not None:
        dark = time in ("night", "dusk")
        far, near = mix(far, tint, 0.35 if dark else 0.6), mix(near, tint, 0.35 if dark else 0.65)
    return far, near


def sea(stage: Stage, top: int, bottom: int, colours: tuple[RGB, RGB], waves: bool) -> None:
    """Open water from the horizon down to `bottom`, with ripples growing towards the viewer."""
    far, near = colours
    height = bottom - top
    if height <= 0:
        return
    strip = Image.new("RGB", (1, height))
    strip.putdata(gradient([far, near], height))
    stage.image.paste(strip.resize((stage.width, height)), (0, top))
    ripples(stage, top, bottom, far, near, 90 if not waves else 140)
    if waves:
        crests(stage, top, bottom)


def ripples(stage: Stage, top: int, bottom: int, far: RGB, near: RGB, count: int) -> None:
    """Short light and dark strokes, longer and thicker nearer the viewer."""
    rnd, draw = stage.rnd, stage.draw
    light, dark = mix(far, (255, 255, 255), 0.25), mix(near, (0, 0, 20), 0.3)
    for _ in range(count):
        depth = rnd.random() ** 1.6
        y = top + (bottom - top) * depth
        x = rnd.uniform(-40, stage.width)
        length = stage.width * (0.02 + 0.09 * depth)
        colour = light if rnd.random() < 0.55 else dark
        draw.line(
            (x, y, x + length, y),
            fill=(*colour, 150),
            width=max(1, round(stage.height * (0.001 + 0.005 * depth))),
        )


def crests(stage: Stage, top: int, bottom: int) -> None:
    """White foam on rolling waves, bigger nearer the viewer."""
    rnd, draw = stage.rnd, stage.draw
    foam = stage.shade((246, 248, 252))
    for _ in range(36):
        depth = rnd.random()
        y = top + (bottom - top) * (0.15 + 0.85 * depth)
        size = stage.width * (0.02 + 0.07 * depth) * rnd.uniform(0.7, 1.3)
        x = rnd.uniform(-size, stage.width)
        start = rnd.uniform(190, 215)
        draw.arc(
            (x, y - size * 0.5, x + size * 2, y + size * 0.5),
            start,
            start + 130,
            fill=foam,
            width=max(1, round(size * 0.12)),
        )


def glitter(stage: Stage, x: float, top: int, bottom: int, colour: RGB, spread: float) -> None:
    """The path of light the sun or moon lays on the water below it."""
    rnd, draw = stage.rnd, stage.draw
    for _ in range(70):
        depth = rnd.random()
        y = top + (bottom - top) * depth
        half = spread * (0.4 + depth) * rnd.uniform(0.2, 1.0)
        cx = x + rnd.gauss(0, spread * (0.3 + depth))
        draw.line(
            (cx - half * 0.5, y, cx + half * 0.5, y),
            fill=(*colour, rnd.randint(120, 230)),
            width=max(1, round(stage.height * (0.002 + 0.004 * depth))),
        )


def reflect(stage: Stage, top: int, bottom: int, colours: tuple[RGB, RGB]) -> None:
    """A lake: mirror what stands above `top` into the water down to `bottom`, tinted."""
    height = bottom - top
    if height <= 0:
        return
    source = stage.image.crop((0, max(0, top - height), stage.width, top))
    mirrored = source.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    far, near = colours
    strip = Image.new("RGB", (1, height))
    strip.putdata(gradient([far, near], height))
    water = strip.resize((stage.width, height))
    if mirrored.height < height:
        water.paste(mirrored, (0, 0))
    else:
        water = Image.blend(mirrored, water, 0.45)
    stage.image.paste(water, (0, top))
    ripples(stage, top, bottom, far, near, 60)


def river(
    stage: Stage, top: int, colours: tuple[RGB, RGB], side: float
) -> list[tuple[float, float, float]]:
    """A river winding from the horizon towards the viewer, widening as it comes, down the
    `side` of the picture (a share of the width); returns its course as (y, centre, half width)
    from far to near."""
    rnd, width, height = stage.rnd, stage.width, stage.height
    phase = rnd.uniform(0, math.tau)
    start = (0.5 + (side - 0.5) * 0.4) * width
    end = side * width
    left, right, course = [], [], []
    for i in range(25):
        t = i / 24
        y = top + (height - top) * t
        centre = start + (end - start) * t + math.sin(phase + t * 5) * width * 0.08 * t
        half = width * (0.006 + 0.2 * t * t)
        left.append((centre - half, y))
        right.append((centre + half, y))
        course.append((y, centre, half))
    far, near = colours
    mask = Image.new("L", stage.image.size, 0)
    ImageDraw.Draw(mask).polygon([*left, *reversed(right)], fill=255)
    band = Image.new("RGB", (1, height - top))
    band.putdata(gradient([far, near], height - top))
    water = Image.new("RGB", stage.image.size)
    water.paste(band.resize((width, height - top)), (0, top))
    stage.image.paste(water, (0, 0), mask)
    bank = stage.shade((120, 110, 80))
    stage.draw.line(left, fill=bank, width=max(1, width // 200))
    stage.draw.line(right, fill=bank, width=max(1, width // 200))
    return course


def shore(stage: Stage, top: float, colour: RGB) -> list[tuple[float, float]]:
    """A gently wavy shoreline at about y = `top`, with foam; the land below it is filled."""
    rnd, width, height = stage.rnd, stage.width, stage.height
    phase = rnd.uniform(0, math.tau)
    line = [
        (x * width / 32, top + height * 0.015 * math.sin(phase + x / 32 * 7)) for x in range(33)
    ]
    stage.draw.polygon([*line, (width, height), (0, height)], fill=stage.shade(colour))
    stage.draw.line(line, fill=stage.shade((246, 248, 250), 220), width=max(2, height // 120))
    return line
