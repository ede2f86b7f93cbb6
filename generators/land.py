"""Land for subject pictures: the ground (grass, snow, sand, street), hills, snow-capped
mountains, desert dunes, a sea cliff, an island and a band of forest."""

from __future__ import annotations

import itertools
import math
import random

from PIL import Image

from .canvas import Stage, mix
from .palette import RGB
from .sky import gradient

# ground kind -> (colour at the horizon, colour nearest the viewer)
GROUNDS: dict[str, tuple[RGB, RGB]] = {
    "grass": ((150, 184, 104), (74, 138, 52)),
    "snow": ((222, 230, 242), (246, 249, 253)),
    "sand": ((232, 204, 150), (222, 180, 112)),
    "street": ((96, 98, 108), (58, 60, 68)),
    "rock": ((128, 120, 112), (96, 88, 80)),
}


def ridge(width: int, base: float, roughness: float, rnd: random.Random) -> list[float]:
    """Midpoint displacement: 129 heights of a natural-looking ridge across the width."""
    points = [base + rnd.uniform(-roughness, roughness) for _ in range(2)]
    spread = roughness
    while len(points) < 129:
        spread *= 0.55
        refined = []
        for left, right in itertools.pairwise(points):
            refined += [left, (left + right) / 2 + rnd.uniform(-spread, spread)]
        points = [*refined, points[-1]]
    return points


def ground(stage: Stage, top: int, kind: str, tint: RGB | None = None) -> None:
    """Fill from `top` down with the ground, hazier towards the horizon."""
    far, near = GROUNDS[kind]
    if tint is not None:
        far, near = mix(far, tint, 0.7), mix(near, tint, 0.75)
    far, near = stage.shade(far)[:3], stage.shade(near)[:3]
    height = stage.height - top
    if height <= 0:
        return
    strip = Image.new("RGB", (1, height))
    strip.putdata(gradient([far, near, near], height))
    stage.image.paste(strip.resize((stage.width, height)), (0, top))


def hills(
    stage: Stage, base: float, colour: RGB, layers: int = 2, sky: RGB = (200, 220, 240)
) -> None:
    """Rolling hills rising above `base` (the ground goes on below it), the far ones paler."""
    width, height = stage.width, stage.height
    step = width / 128
    bottom = base + height * 0.01
    for index in range(layers):
        depth = (index + 1) / layers
        top = base - height * (0.07 - 0.025 * index)
        line = ridge(width, top, height * 0.035, stage.rnd)
        fill = mix(mix(colour, sky, 0.45 * (1 - depth)), (40, 70, 40), 0.06 * index)
        outline = [(i * step, min(y, bottom)) for i, y in enumerate(line)]
        stage.draw.polygon([*outline, (width, bottom), (0, bottom)], fill=stage.shade(fill))


def mountains(stage: Stage, base: float, rock: RGB, sky: RGB) -> None:
    """A range of peaks with shaded flanks and snow caps, the far ones hazier."""
    rnd, width, height = stage.rnd, stage.width, stage.height
    for layer in range(2):
        count = rnd.randint(2, 3) + layer
        colour = mix(rock, sky, 0.45 if layer == 0 else 0.12)
        for index in range(count):
            x = (index + rnd.uniform(0.15, 0.85)) / count * width
            half = width * rnd.uniform(0.22, 0.34) * (1.1 - 0.25 * layer)
            peak = base - height * rnd.uniform(0.24, 0.34) * (1 - 0.28 * layer)
            _peak(stage, x, peak, half, base, colour, True)


def _peak(
    stage: Stage, x: float, top: float, half: float, base: float, colour: RGB, snowy: bool
) -> None:
    rnd, draw = stage.rnd, stage.draw
    rise = base - top
    steps = 12
    left = [
        (x - half * (1 - t / steps), base - rise * (t / steps) + _jag(rnd, rise, t, steps))
        for t in range(steps + 1)
    ]
    right = [
        (x + half * (t / steps), top + rise * (t / steps) + _jag(rnd, rise, t, steps))
        for t in range(steps + 1)
    ]
    left[-1] = right[0] = (x, top)
    draw.polygon(
        [*left, *right[1:], (x + half, base + 2), (x - half, base + 2)], fill=stage.shade(colour)
    )
    shadow = mix(colour, (30, 34, 52), 0.35)
    foot = (x + half * 0.1, base + 2)
    draw.polygon([*right, (x + half, base + 2), foot], fill=stage.shade(shadow))
    if snowy:
        cap = int(steps * 0.36)
        snow = stage.shade((244, 247, 252))
        edge = [*left[-cap - 1 :], *right[1 : cap + 1]]
        low = top + rise * cap / steps
        zigzag = []
        for i in range(6, -1, -1):  # back from right to left under the cap
            zx = x - half * cap / steps + half * 2 * cap / steps * i / 6
            zigzag.append((zx, low - rise * (0.05 if i % 2 else -0.02) * rnd.uniform(0.5, 1.6)))
        draw.polygon([*edge, *zigzag], fill=snow)
        shade = mix((244, 247, 252), (150, 166, 200), 0.45)
        draw.polygon(
            [(x, top), *right[1 : cap + 1], (x + half * 0.06, low)], fill=stage.shade(shade)
        )


def _jag(rnd: random.Random, rise: float, t: int, steps: int) -> float:
    return 0.0 if t in (0, steps) else rnd.uniform(-0.035, 0.035) * rise


def dunes(stage: Stage, top: int, colour: RGB) -> None:
    """Layered desert dunes with a lit face and a shadowed one."""
    rnd, draw = stage.rnd, stage.draw
    width, height = stage.width, stage.height
    rows = 4
    for index in range(rows):
        base = top + (height - top) * index / rows
        amplitude = (height - top) * rnd.uniform(0.12, 0.2)
        phase, wave = rnd.uniform(0, math.tau), rnd.uniform(1.2, 2.4)
        points = [
            (
                x * width / 48,
                base - amplitude * (0.5 + 0.5 * math.sin(phase + wave * x / 48 * math.tau)),
            )
            for x in range(49)
        ]
        near = mix(colour, (170, 110, 60), index / rows * 0.5)
        lit = mix(near, (255, 236, 200), 0.25)
        draw.polygon([*points, (width, height), (0, height)], fill=stage.shade(near))
        crest = max(range(49), key=lambda i: -points[i][1])
        draw.polygon(
            [*points[: crest + 1], (points[crest][0], height), (0, height)],
            fill=stage.shade(lit, 140),
        )


def cliff(stage: Stage, side: str, reach: float, top: float, grass: RGB) -> None:
    """A sea cliff from the `side` edge to x = `reach`, its grassy top at y = `top`: a jagged
    rock face in lit and shadowed facets, with ledges."""
    rnd, draw = stage.rnd, stage.draw
    width, height = stage.width, stage.height
    edge = 0.0 if side == "left" else float(width)
    sign = 1 if side == "left" else -1
    face = []
    for i in range(13):  # the rock face from the top edge down to the water, leaning out
        t = i / 12
        jut = rnd.uniform(-0.025, 0.025) if 0 < i < 12 else 0.0
        face.append((reach + sign * width * (0.05 * t + jut), top + (height - top) * t))
    rock = (124, 110, 100)
    draw.polygon([(edge, top), *face, (edge, height)], fill=stage.shade(rock))
    for i in range(len(face) - 1):  # facets along the face: lit above a ledge, dark below
        (x0, y0), (x1, y1) = face[i], face[i + 1]
        depth = width * rnd.uniform(0.03, 0.09)
        tone = mix(rock, (196, 180, 160) if i % 2 else (64, 56, 56), rnd.uniform(0.25, 0.5))
        draw.polygon(
            [(x0, y0), (x1, y1), (x1 - sign * depth, y1), (x0 - sign * depth * 0.6, y0)],
            fill=stage.shade(tone),
        )
    for _ in range(9):  # cracks and strata, slanting
        y = rnd.uniform(top + height * 0.03, height)
        x = edge + sign * rnd.uniform(0.1, 0.9) * abs(reach - edge)
        length = width * rnd.uniform(0.05, 0.14)
        draw.line(
            [(x, y), (x + sign * length, y + length * rnd.uniform(-0.25, 0.25))],
            fill=stage.shade((84, 74, 70)),
            width=max(1, width // 340),
        )
    lip = height * 0.018
    turf = [(edge, top - lip)]
    for i in range(9):
        x = edge + (reach - edge) * i / 8
        turf.append((x, top - lip * rnd.uniform(0.6, 1.2)))
    turf += [(reach + sign * width * 0.008, top + lip * 1.4), (edge, top + lip * 1.2)]
    draw.polygon(turf, fill=stage.shade(grass))


def island(stage: Stage, x: float, y: float, half: float, grass: RGB) -> None:
    """A low island on the water: a sandy rim and a green hump."""
    draw = stage.draw
    draw.ellipse(
        (x - half, y - half * 0.28, x + half, y + half * 0.1), fill=stage.shade((222, 196, 140))
    )
    draw.ellipse(
        (x - half * 0.85, y - half * 0.4, x + half * 0.8, y + half * 0.02), fill=stage.shade(grass)
    )


def forest(
    stage: Stage, base: float, colour: RGB, sky: RGB, snowy: bool, leaves: tuple[RGB, ...] = ()
) -> None:
    """Rows of trees along the horizon, the back rows hazier: pines, or round-crowned trees in
    the `leaves` colours (autumn)."""
    rnd, width, height = stage.rnd, stage.width, stage.height
    for row in range(3):
        haze = 0.5 - 0.22 * row
        y = base + height * 0.02 * row
        x = rnd.uniform(-0.03, 0) * width
        while x < width:
            tall = height * rnd.uniform(0.09, 0.16) * (0.8 + 0.15 * row)
            if leaves:
                crown = mix(rnd.choice(leaves), sky, haze)
                _round_tree(stage, x, y, tall, crown)
            else:
                pine(stage, x, y, tall, mix(colour, sky, haze), snowy)
            x += tall * rnd.uniform(0.22, 0.38) * (1.6 if leaves else 1)


def _round_tree(stage: Stage, x: float, y: float, tall: float, colour: RGB) -> None:
    draw = stage.draw
    draw.rectangle(
        (x - tall * 0.04, y - tall * 0.4, x + tall * 0.04, y), fill=stage.shade((80, 56, 40))
    )
    r = tall * 0.32
    for dx, dy in ((-0.5, 0.1), (0.5, 0.1), (0.0, -0.35)):
        cx, cy = x + dx * r, y - tall * 0.62 + dy * r
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=stage.shade(colour))


def pine(stage: Stage, x: float, y: float, tall: float, colour: RGB, snowy: bool) -> None:
    """A pine: three stacked triangles on a short trunk (snow on the boughs in winter)."""
    draw = stage.draw
    draw.rectangle(
        (x - tall * 0.04, y - tall * 0.15, x + tall * 0.04, y), fill=stage.shade((80, 56, 40))
    )
    for tier in range(3):
        bottom = y - tall * (0.1 + 0.26 * tier)
        half = tall * (0.3 - 0.07 * tier)
        apex = bottom - tall * 0.42
        draw.polygon([(x - half, bottom), (x, apex), (x + half, bottom)], fill=stage.shade(colour))
        if snowy:
            draw.polygon(
                [
                    (x - half * 0.55, bottom - tall * 0.16),
                    (x, apex),
                    (x + half * 0.55, bottom - tall * 0.16),
                ],
                fill=stage.shade((240, 244, 250)),
            )
