"""The sky of a subject picture: its gradient for the time of day and weather, the sun, a
crescent moon, stars and clouds; and the weather over everything (rain, snowfall, fog)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageDraw

from .canvas import Stage, mix
from .palette import RGB

# time of day -> colours of the sky from the top down to the horizon
SKIES: dict[str, tuple[RGB, ...]] = {
    "dawn": ((112, 132, 190), (206, 170, 190), (255, 196, 150)),
    "day": ((96, 156, 228), (150, 196, 238), (206, 228, 246)),
    "sunset": ((58, 48, 110), (196, 92, 96), (250, 150, 70), (255, 206, 110)),
    "dusk": ((22, 26, 66), (88, 62, 120), (206, 120, 130)),
    "night": ((5, 8, 24), (12, 20, 50), (34, 48, 92)),
}
WEATHER_SKY: dict[str, tuple[RGB, float]] = {  # weather -> (colour, share) it brings to the sky
    "fog": ((196, 198, 204), 0.6),
    "rain": ((112, 118, 130), 0.6),
    "storm": ((62, 66, 80), 0.7),
    "snow": ((214, 220, 232), 0.35),
}


def gradient(stops: Sequence[RGB], height: int) -> list[RGB]:
    """`height` colours running through the stops evenly."""
    rows = []
    last = len(stops) - 1
    for y in range(height):
        t = y / max(1, height - 1) * last
        i = min(int(t), last - 1) if last else 0
        rows.append(mix(stops[i], stops[min(i + 1, last)], t - i))
    return rows


def sky_stops(time: str, weather: frozenset[str], tints: Sequence[RGB]) -> list[RGB]:
    """The sky's colours, top to horizon, for a time of day, its weather and named colours."""
    stops = list(SKIES.get(time, SKIES["day"]))
    dark = time in ("night", "dusk")
    for kind in ("snow", "fog", "rain", "storm"):
        if kind in weather:
            colour, share = WEATHER_SKY[kind]
            if dark:
                colour = mix(colour, (10, 12, 24), 0.75)
            stops = [mix(stop, colour, share) for stop in stops]
    for tint in tints:
        stops = [mix(stop, mix(tint, stop, 0.3 if not dark else 0.7), 0.6) for stop in stops]
    return stops


def paint_sky(stage: Stage, stops: Sequence[RGB]) -> None:
    """Fill the canvas with the sky gradient, ending at the horizon (the rest is the far sky)."""
    reach = max(2, stage.horizon)
    rows = gradient(stops, reach)
    rows += [rows[-1]] * (stage.height - reach)
    strip = Image.new("RGB", (1, stage.height))
    strip.putdata(rows)
    stage.image.paste(strip.resize((stage.width, stage.height)))


def sun(stage: Stage, x: float, y: float, radius: float) -> None:
    """The sun: pale and high by day, big and orange low at sunset or dawn."""
    colour: RGB = {
        "sunset": (255, 120, 50),
        "dawn": (255, 222, 160),
        "dusk": (250, 140, 110),
    }.get(stage.time, (255, 250, 226))
    stage.glow((x, y), radius * 3.2, mix(colour, (255, 255, 255), 0.2), 0.55)
    stage.draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 255))


def moon(stage: Stage, x: float, y: float, radius: float, full: bool = False) -> None:
    """A moon with a halo: a crescent unless `full`."""
    colour = (246, 242, 218)
    stage.glow((x, y), radius * 3.4, (150, 160, 190), 0.45)
    size = max(4, round(radius * 2))
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((0, 0, size - 1, size - 1), fill=255)
    if not full:  # the unlit part: the same disc, moved aside
        shift = size * 0.38
        draw.ellipse((shift, -size * 0.12, size - 1 + shift, size * 0.88), fill=0)
    box = (round(x - size / 2), round(y - size / 2))
    stage.image.paste(Image.new("RGB", (size, size), colour), box, mask)


def stars(stage: Stage, count: int, top: float = 0.0) -> None:
    """Stars over the upper sky, a few of them bright with four points."""
    rnd, draw = stage.rnd, stage.draw
    unit = max(0.6, stage.width / 1024)
    for index in range(count):
        x = rnd.uniform(0, stage.width)
        y = rnd.uniform(top, stage.horizon * 0.85)
        r = rnd.uniform(0.9, 2.4) * unit
        colour = (255, 252, 232, rnd.randint(150, 255))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        if index % 9 == 0:
            arm, waist = r * 4, r * 0.6
            draw.polygon([(x - arm, y), (x, y - waist), (x + arm, y), (x, y + waist)], fill=colour)
            draw.polygon([(x, y - arm), (x + waist, y), (x, y + arm), (x - waist, y)], fill=colour)


def cloud(stage: Stage, x: float, y: float, width: float, colour: RGB) -> None:
    """A heap of soft puffs, flat underneath and shadowed below, lit from above."""
    rnd = stage.rnd
    shadow = mix(colour, (110, 116, 140), 0.28)
    puffs = []
    for i in range(5):  # the flat base
        px = x + (i - 2) * width * 0.17 + rnd.uniform(-0.03, 0.03) * width
        puffs.append((px, y, width * 0.15, width * 0.09))
    for i in range(rnd.randint(2, 3)):  # the heap on top
        px = x + (i - 1) * width * rnd.uniform(0.14, 0.2)
        r = width * rnd.uniform(0.13, 0.2)
        puffs.append((px, y - r * 0.7, r, r * 0.9))
    draw = stage.draw
    drop = width * 0.035
    for px, py, rx, ry in puffs:
        draw.ellipse((px - rx, py - ry + drop, px + rx, py + ry + drop), fill=(*shadow, 235))
    for px, py, rx, ry in puffs:
        draw.ellipse((px - rx, py - ry, px + rx, py + ry * 0.8), fill=(*colour, 245))


def cloud_colour(time: str, weather: frozenset[str]) -> RGB:
    """White by day, pink at sunset and dawn, grey in rain, dim at night."""
    colour: RGB = {
        "dawn": (255, 214, 206),
        "sunset": (246, 160, 140),
        "dusk": (150, 112, 150),
        "night": (58, 64, 92),
    }.get(time, (250, 250, 252))
    if weather & {"rain", "storm"}:
        colour = mix(colour, (92, 96, 110), 0.6)
    return colour


def clouds(stage: Stage, count: int, colour: RGB) -> None:
    """A few clouds across the upper sky."""
    rnd = stage.rnd
    for index in range(count):
        x = (index + rnd.uniform(0.1, 0.9)) / count * stage.width
        y = rnd.uniform(0.12, 0.45) * stage.horizon
        cloud(stage, x, y, stage.width * rnd.uniform(0.16, 0.3), colour)


def rain(stage: Stage, heavy: bool) -> None:
    """Slanting streaks over everything."""
    rnd, draw = stage.rnd, stage.draw
    length = stage.height * 0.05
    width = max(1, round(stage.width / 600))
    for _ in range(420 if heavy else 260):
        x, y = rnd.uniform(-length, stage.width), rnd.uniform(-length, stage.height)
        draw.line((x, y, x + length * 0.25, y + length), fill=(200, 208, 224, 110), width=width)


def lightning(stage: Stage) -> None:
    """One forked bolt from the clouds."""
    rnd = stage.rnd
    x, y = rnd.uniform(0.2, 0.8) * stage.width, stage.horizon * 0.15
    points = [(x, y)]
    while y < stage.horizon * 0.95:
        x += rnd.uniform(-0.04, 0.04) * stage.width
        y += rnd.uniform(0.05, 0.1) * stage.height
        points.append((x, y))
    stage.draw.line(points, fill=(250, 250, 255, 255), width=max(2, stage.width // 256))


def snowfall(stage: Stage, heavy: bool) -> None:
    """Flakes drifting over everything."""
    rnd = stage.rnd
    unit = max(0.5, stage.width / 1024)
    for _ in range(500 if heavy else 260):
        x, y = rnd.uniform(0, stage.width), rnd.uniform(0, stage.height)
        r = rnd.uniform(1.2, 3.6) * unit
        stage.draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(255, 255, 255, rnd.randint(150, 230))
        )


def fog(stage: Stage, dark: bool) -> None:
    """A veil that thickens towards the horizon: far things fade, near ones less."""
    colour = (58, 62, 78) if dark else (214, 216, 222)
    height = stage.height
    rows = []
    for y in range(height):
        distance = abs(y - stage.horizon) / height
        rows.append(round(200 * math.exp(-distance * 4.5)))
    mask = Image.new("L", (1, height))
    mask.putdata(rows)
    stage.image.paste(
        Image.new("RGB", stage.image.size, colour), (0, 0), mask.resize(stage.image.size)
    )
