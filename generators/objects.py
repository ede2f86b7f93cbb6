"""Things for subject pictures, drawn with a `Pen` in their own units ((0, 0) is where they
stand, about one unit tall): a sailing boat, a car, a person, a tree and a flower."""

from __future__ import annotations

import itertools
from math import cos, radians, sin

from .canvas import Pen, mix
from .palette import RGB

SAIL: RGB = (248, 246, 238)
DARK: RGB = (36, 34, 38)


def boat(pen: Pen, hull: RGB) -> None:
    """A sailing boat on the water line: hull, mast, mainsail, jib and a pennant."""
    shadow = mix(hull, DARK, 0.6)
    pen.oval(0.0, 0.05, 0.55, 0.04, (*shadow, 120))  # its shadow on the water
    pen.line([(0.0, -0.14), (0.0, -1.0)], (92, 64, 44), 0.022)  # mast
    pen.poly([(0.03, -0.97), (0.03, -0.19), (0.48, -0.19)], SAIL)  # mainsail
    pen.poly([(0.03, -0.97), (0.03, -0.19), (0.12, -0.19)], mix(SAIL, (170, 170, 180), 0.25))
    pen.poly([(-0.03, -0.88), (-0.03, -0.19), (-0.38, -0.19)], mix(SAIL, (180, 180, 190), 0.15))
    pen.poly([(0.0, -1.0), (0.14, -0.97), (0.0, -0.94)], (210, 50, 40))
    pen.poly([(-0.56, -0.17), (0.6, -0.17), (0.44, 0.04), (-0.42, 0.04)], hull)
    pen.line([(-0.54, -0.15), (0.58, -0.15)], mix(hull, (255, 255, 255), 0.5), 0.025)


def car(pen: Pen, body: RGB) -> None:
    """A car side on: body, cabin with two windows, wheels and lamps (unit: its length)."""
    glass = (168, 200, 222)
    pen.poly([(-0.3, -0.26), (-0.19, -0.42), (0.17, -0.42), (0.3, -0.26)], body)  # cabin
    pen.poly([(-0.23, -0.27), (-0.16, -0.38), (-0.02, -0.38), (-0.02, -0.27)], glass)
    pen.poly([(0.02, -0.27), (0.02, -0.38), (0.15, -0.38), (0.24, -0.27)], glass)
    pen.poly(
        [(-0.5, -0.1), (-0.5, -0.22), (-0.42, -0.28), (0.44, -0.28), (0.5, -0.2), (0.5, -0.1)], body
    )
    pen.line([(-0.48, -0.18), (0.48, -0.18)], mix(body, DARK, 0.3), 0.012)
    for x in (-0.3, 0.3):
        pen.oval(x, -0.09, 0.09, 0.09, DARK)
        pen.oval(x, -0.09, 0.04, 0.04, (176, 176, 182))
    pen.light("ellipse", [(0.46, -0.23), (0.5, -0.19)], (255, 240, 170))
    pen.light("ellipse", [(-0.5, -0.23), (-0.47, -0.19)], (230, 40, 40))


def person(pen: Pen, coat: RGB) -> None:
    """A person standing: legs, a coat, arms and a head with hair."""
    trousers = (54, 56, 72)
    for x in (-0.05, 0.05):
        pen.line([(x, -0.46), (x * 1.2, 0.0)], trousers, 0.075)
    pen.poly([(-0.13, -0.8), (0.13, -0.8), (0.17, -0.42), (-0.17, -0.42)], coat)
    for side in (-1, 1):
        pen.line([(0.13 * side, -0.78), (0.19 * side, -0.58), (0.18 * side, -0.46)], coat, 0.06)
    pen.oval(0.0, -0.9, 0.085, 0.095, (226, 184, 150))
    pen.oval(0.0, -0.94, 0.09, 0.06, (70, 48, 34))


def tree(pen: Pen, leaves: RGB, snowy: bool) -> None:
    """A broad-leaved tree: a trunk with two boughs and a crown of overlapping rounds."""
    bark = (96, 66, 44)
    pen.poly([(-0.06, 0.0), (-0.035, -0.5), (0.035, -0.5), (0.06, 0.0)], bark)
    pen.line([(0.0, -0.4), (-0.16, -0.58)], bark, 0.03)
    pen.line([(0.0, -0.44), (0.16, -0.6)], bark, 0.03)
    shadow, light = mix(leaves, DARK, 0.35), mix(leaves, (255, 250, 200), 0.2)
    crown = [
        (-0.2, -0.6, 0.2),
        (0.2, -0.6, 0.2),
        (0.0, -0.74, 0.27),
        (-0.12, -0.88, 0.18),
        (0.12, -0.88, 0.18),
    ]
    for u, v, r in crown:
        pen.oval(u + 0.03, v + 0.03, r, r * 0.9, shadow)
    for u, v, r in crown:
        pen.oval(u, v, r * 0.92, r * 0.82, leaves)
    for u, v, r in crown[2:]:
        pen.oval(u - r * 0.25, v - r * 0.3, r * 0.45, r * 0.35, light)
    if snowy:
        for u, v, r in crown[3:]:
            pen.oval(u, v - r * 0.6, r * 0.7, r * 0.3, (242, 246, 252))


def flower(pen: Pen, petals: RGB, heart: RGB = (240, 196, 50)) -> None:
    """A flower: a stem with two leaves and a ring of petals round its heart."""
    green = (60, 130, 56)
    pen.line([(0.0, 0.0), (0.02, -0.4), (0.0, -0.72)], green, 0.035)
    pen.oval(-0.09, -0.3, 0.1, 0.035, green, angle=30)
    pen.oval(0.1, -0.44, 0.1, 0.035, green, angle=-30)
    for i in range(7):
        angle = i * 360 / 7
        u, v = 0.12 * cos(radians(angle)), -0.8 - 0.12 * sin(radians(angle))
        pen.oval(u, v, 0.1, 0.055, petals, angle=angle)
    pen.oval(0.0, -0.8, 0.065, 0.065, heart)


def palm(pen: Pen, leaves: RGB) -> None:
    """A palm: a leaning, ringed trunk under a crown of drooping fronds and coconuts."""
    bark = (128, 96, 62)
    trunk = [(0.0, 0.0), (0.03, -0.3), (0.08, -0.56), (0.15, -0.8)]
    pen.line(trunk, bark, 0.06)
    for (u0, v0), (u1, v1) in itertools.pairwise(trunk):
        for t in (0.3, 0.7):
            u, v = u0 + (u1 - u0) * t, v0 + (v1 - v0) * t
            pen.line([(u - 0.03, v), (u + 0.03, v - 0.01)], mix(bark, DARK, 0.4), 0.012)
    top_u, top_v = trunk[-1]
    dark = mix(leaves, DARK, 0.3)
    for angle in (10, 40, 75, 105, 140, 170):
        out_u, out_v = cos(radians(angle)), -sin(radians(angle))
        mid = (top_u + out_u * 0.24, top_v + out_v * 0.16 - 0.06)
        tip = (top_u + out_u * 0.46, top_v + out_v * 0.1 + 0.12)
        side = (-out_v * 0.05, out_u * 0.05)
        pen.poly(
            [
                (top_u, top_v),
                (mid[0] + side[0], mid[1] + side[1]),
                tip,
                (mid[0] - side[0], mid[1] - side[1]),
            ],
            leaves if angle % 20 else dark,
        )
    for du in (-0.03, 0.03):
        pen.oval(top_u + du, top_v + 0.03, 0.03, 0.03, (96, 66, 40))
