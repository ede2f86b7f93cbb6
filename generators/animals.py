"""Animals for subject pictures, each drawn in its own units with a `Pen`: (0, 0) is the ground
under it, about one unit tall, facing right unless the pen flips it."""

from __future__ import annotations

from .canvas import Pen, Point, ellipse_points, mix
from .palette import RGB

BLACK: RGB = (34, 28, 28)
WHITE: RGB = (244, 240, 232)
PINK: RGB = (226, 150, 156)


def fox(pen: Pen, coat: RGB) -> None:
    """A fox standing side on: pointed ears, long snout, white chest, black socks, and a bushy
    tail with a white tip."""
    dark = mix(coat, BLACK, 0.45)
    tail = ellipse_points(-0.8, -0.4, 0.44, 0.15, 16)
    pen.poly(tail, coat)
    pen.poly([(u, v) for u, v in tail if u < -1.06], WHITE)  # the white tip
    for x, lean in ((-0.4, -0.04), (-0.26, 0.03), (0.3, 0.03), (0.43, -0.02)):  # legs
        top = -0.44
        pen.poly(
            [
                (x - 0.05, top),
                (x + 0.05, top),
                (x + 0.035 + lean, -0.16),
                (x - 0.035 + lean, -0.16),
            ],
            coat,
        )
        pen.poly(
            [
                (x - 0.035 + lean, -0.17),
                (x + 0.035 + lean, -0.17),
                (x + 0.05 + lean, 0.0),
                (x - 0.03 + lean, 0.0),
            ],
            BLACK,
        )
    pen.oval(0.02, -0.5, 0.52, 0.18, coat, angle=3)  # body
    pen.poly([(0.32, -0.62), (0.56, -0.82), (0.7, -0.64), (0.52, -0.36)], coat)  # neck
    pen.poly([(0.46, -0.62), (0.63, -0.7), (0.62, -0.44), (0.5, -0.38)], WHITE)  # chest
    pen.oval(0.68, -0.8, 0.17, 0.14, coat)  # head
    pen.poly([(0.74, -0.88), (1.02, -0.76), (1.0, -0.71), (0.74, -0.69)], coat)  # snout
    pen.poly([(0.66, -0.74), (0.99, -0.72), (0.78, -0.64)], WHITE)  # jaw
    pen.oval(1.0, -0.74, 0.03, 0.025, BLACK)  # nose
    for base, tip in ((0.56, 0.6), (0.66, 0.72)):  # ears, black tipped
        pen.poly([(base, -0.88), (tip, -1.1), (base + 0.13, -0.89)], coat)
        pen.poly([(tip - 0.025, -1.04), (tip, -1.1), (tip + 0.03, -1.04)], dark)
    pen.oval(0.77, -0.83, 0.022, 0.02, BLACK)  # eye


def cat(pen: Pen, coat: RGB) -> None:
    """A cat sitting, face on: triangle ears, almond eyes, whiskers, paws, a curled tail."""
    light = mix(coat, WHITE, 0.35)
    pen.line(_curve((0.18, -0.04), (0.62, -0.02), (0.46, -0.48)), coat, 0.08)  # tail
    pen.oval(0.0, -0.17, 0.31, 0.17, coat)  # haunches
    pen.oval(0.0, -0.33, 0.25, 0.3, coat)  # body
    pen.oval(0.0, -0.38, 0.11, 0.17, light)  # chest
    for x in (-0.1, 0.1):
        pen.oval(x, -0.03, 0.08, 0.045, light)  # paws
    for side in (-1, 1):  # ears, pink inside
        pen.poly([(0.22 * side, -0.74), (0.19 * side, -1.0), (0.03 * side, -0.86)], coat)
        pen.poly([(0.18 * side, -0.78), (0.17 * side, -0.93), (0.08 * side, -0.85)], PINK)
    pen.oval(0.0, -0.7, 0.23, 0.19, coat)  # head
    pen.oval(0.0, -0.63, 0.1, 0.06, light)  # muzzle
    for side in (-1, 1):
        pen.oval(0.09 * side, -0.73, 0.055, 0.037, (196, 224, 70), lit=True)
        pen.oval(0.09 * side, -0.73, 0.013, 0.033, BLACK, lit=True)
        for lift in (-0.05, 0.0, 0.05):  # whiskers
            pen.line(
                [(0.07 * side, -0.63), (0.42 * side, -0.65 + lift * 1.6)], WHITE, 0.009, lit=True
            )
    pen.poly([(-0.03, -0.665), (0.03, -0.665), (0.0, -0.635)], PINK)  # nose


def dog(pen: Pen, coat: RGB) -> None:
    """A dog standing side on: floppy ear, blunt muzzle, tail up, red collar."""
    dark = mix(coat, BLACK, 0.35)
    pen.line([(-0.44, -0.6), (-0.58, -0.74), (-0.62, -0.9)], coat, 0.06)  # tail
    for x in (-0.4, -0.26, 0.24, 0.36):
        pen.rect(x, -0.48, x + 0.09, 0.0, coat if x in (-0.4, 0.24) else dark)
    pen.oval(0.0, -0.56, 0.48, 0.19, coat)  # body
    pen.poly([(0.3, -0.62), (0.44, -0.86), (0.6, -0.82), (0.46, -0.48)], coat)  # neck
    pen.oval(0.55, -0.86, 0.15, 0.13, coat)  # head
    pen.poly([(0.6, -0.9), (0.86, -0.85), (0.86, -0.74), (0.6, -0.74)], mix(coat, WHITE, 0.2))
    pen.oval(0.86, -0.84, 0.04, 0.035, BLACK)  # nose
    pen.oval(0.47, -0.84, 0.06, 0.14, dark, angle=-12)  # ear
    pen.oval(0.61, -0.9, 0.022, 0.022, BLACK)  # eye
    pen.line([(0.4, -0.74), (0.5, -0.6)], (200, 40, 40), 0.04)  # collar


def horse(pen: Pen, coat: RGB) -> None:
    """A horse standing side on: long legs, arched neck with a dark mane, long head."""
    dark = mix(coat, BLACK, 0.6)
    pen.poly([(-0.48, -0.72), (-0.58, -0.6), (-0.66, -0.26), (-0.54, -0.28), (-0.46, -0.56)], dark)
    for x in (-0.42, -0.28, 0.26, 0.4):
        pen.poly(
            [(x - 0.045, -0.6), (x + 0.045, -0.6), (x + 0.035, -0.05), (x - 0.03, -0.05)], coat
        )
        pen.rect(x - 0.04, -0.06, x + 0.045, 0.0, BLACK)
    pen.oval(0.0, -0.64, 0.52, 0.2, coat)  # body
    pen.poly([(0.24, -0.74), (0.5, -1.04), (0.68, -0.98), (0.52, -0.52)], coat)  # neck
    pen.poly([(0.24, -0.76), (0.46, -1.08), (0.56, -1.04), (0.32, -0.7)], dark)  # mane
    pen.oval(0.68, -0.92, 0.2, 0.085, coat, angle=-40)  # head
    pen.oval(0.8, -0.79, 0.07, 0.06, mix(coat, BLACK, 0.25))  # muzzle
    pen.poly([(0.55, -1.02), (0.57, -1.14), (0.63, -1.03)], coat)  # ear
    pen.oval(0.66, -0.97, 0.022, 0.022, BLACK)


def rabbit(pen: Pen, coat: RGB) -> None:
    """A rabbit sitting side on: long upright ears, round body, white scut."""
    pen.oval(0.0, -0.22, 0.3, 0.22, coat)  # body
    pen.oval(-0.08, -0.15, 0.2, 0.15, mix(coat, BLACK, 0.12))  # haunch
    pen.oval(-0.3, -0.24, 0.08, 0.08, WHITE)  # tail
    pen.oval(0.12, -0.03, 0.12, 0.035, coat)  # foot
    pen.oval(0.24, -0.46, 0.15, 0.12, coat)  # head
    for x, tilt in ((0.16, 12), (0.25, -4)):
        pen.oval(x, -0.74, 0.055, 0.22, coat, angle=tilt)
        pen.oval(x, -0.72, 0.025, 0.16, PINK, angle=tilt)
    pen.oval(0.3, -0.48, 0.025, 0.025, BLACK)
    pen.oval(0.38, -0.43, 0.02, 0.016, PINK)


def bird_flying(pen: Pen, colour: RGB) -> None:
    """A bird in flight, seen from below: a small body and two bent wings (unit: half span)."""
    pen.oval(0.0, 0.0, 0.16, 0.09, colour)
    for side in (-1, 1):
        pen.poly(
            [
                (0.05 * side, -0.06),
                (0.42 * side, -0.4),
                (1.0 * side, 0.02),
                (0.44 * side, -0.16),
                (0.08 * side, 0.1),
            ],
            colour,
        )


def bird_perched(pen: Pen, colour: RGB) -> None:
    """A songbird perched side on: round body, head, beak, wing and tail."""
    dark = mix(colour, BLACK, 0.35)
    pen.poly([(-0.25, -0.3), (-0.62, -0.2), (-0.6, -0.1), (-0.22, -0.2)], dark)  # tail
    pen.oval(0.0, -0.36, 0.3, 0.22, colour, angle=14)  # body
    pen.oval(0.0, -0.3, 0.2, 0.13, mix(colour, WHITE, 0.45))  # breast
    pen.oval(-0.06, -0.4, 0.22, 0.12, dark, angle=18)  # wing
    pen.oval(0.26, -0.6, 0.15, 0.14, colour)  # head
    pen.poly([(0.38, -0.64), (0.54, -0.58), (0.38, -0.54)], (236, 150, 40))  # beak
    pen.oval(0.31, -0.63, 0.03, 0.03, BLACK)
    for x in (-0.04, 0.08):
        pen.line([(x, -0.16), (x + 0.02, 0.0)], (90, 60, 40), 0.025)


def fish(pen: Pen, colour: RGB) -> None:
    """A fish side on: oval body, forked tail, fins and an eye (unit: half its length)."""
    light = mix(colour, WHITE, 0.4)
    pen.poly([(-0.42, 0.0), (-0.82, -0.3), (-0.72, 0.0), (-0.82, 0.3)], colour)  # tail
    pen.poly([(-0.1, -0.22), (0.1, -0.4), (0.24, -0.2)], colour)  # back fin
    pen.oval(0.0, 0.0, 0.5, 0.25, colour)
    pen.oval(0.05, 0.08, 0.36, 0.12, light)  # belly
    pen.line([(0.24, -0.16), (0.28, 0.0), (0.24, 0.14)], mix(colour, BLACK, 0.3), 0.03)  # gill
    pen.oval(0.34, -0.06, 0.06, 0.06, WHITE)
    pen.oval(0.35, -0.06, 0.03, 0.03, BLACK)


def _curve(start: Point, bend: Point, end: Point, steps: int = 10) -> list[Point]:
    """Points along a quadratic curve from start to end, pulled towards bend."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * t * (1 - t), t * t
        points.append(
            (a * start[0] + b * bend[0] + c * end[0], a * start[1] + b * bend[1] + c * end[1])
        )
    return points
