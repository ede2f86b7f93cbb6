"""The built-in painter's drawing surface: the stage (canvas, light, layout) and a pen that draws
shapes in a subject's own units, so one drawing of a fox serves any size, place and direction."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter

from .palette import RGB

RGBA = tuple[int, int, int, int]
Point = tuple[float, float]

# time of day -> (the colour the light gives things, how much of it)
LIGHT: dict[str, tuple[RGB, float]] = {
    "dawn": ((255, 196, 180), 0.12),
    "day": ((255, 255, 255), 0.0),
    "sunset": ((255, 150, 100), 0.18),
    "dusk": ((70, 50, 110), 0.38),
    "night": ((14, 20, 50), 0.55),
}


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour `t` of the way from a to b."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


@dataclass
class Stage:
    """The picture being painted and what every subject needs to know about it."""

    image: Image.Image  # RGB
    rnd: random.Random
    time: str = "day"
    horizon: int = 0  # y of the horizon, pixels
    ground_kind: str = "grass"  # what the ground is: grass, snow, sand, street
    autumn: bool = False  # leaves turn orange, red and gold
    # small bright marks (lit windows, lamps, stars, eyes) drawn last, over the brushwork
    lights: list[tuple[str, tuple[float, ...], RGBA]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image, "RGBA")  # RGBA fills blend into the RGB canvas

    @property
    def width(self) -> int:
        """Canvas width in pixels."""
        return self.image.width

    @property
    def height(self) -> int:
        """Canvas height in pixels."""
        return self.image.height

    def shade(self, colour: RGB, alpha: int = 255) -> RGBA:
        """A colour as the light of the time of day shows it."""
        tint, amount = LIGHT.get(self.time, LIGHT["day"])
        return (*mix(colour, tint, amount), alpha)

    def light(self, kind: str, box: tuple[float, ...], colour: RGB, alpha: int = 255) -> None:
        """Queue a bright mark ("ellipse", "rectangle" or "polygon") to draw at the end."""
        self.lights.append((kind, box, (*colour, alpha)))

    def draw_lights(self, image: Image.Image | None = None) -> None:
        """Draw the bright marks queued so far (onto `image`, else the canvas), and forget them."""
        draw = ImageDraw.Draw(image, "RGBA") if image is not None else self.draw
        lights, self.lights = self.lights, []
        for kind, box, colour in lights:
            if kind == "ellipse":
                draw.ellipse(box, fill=colour)
            elif kind == "rectangle":
                draw.rectangle(box, fill=colour)
            else:
                draw.polygon(list(zip(box[::2], box[1::2], strict=True)), fill=colour)

    def glow(self, centre: Point, radius: float, colour: RGB, strength: float = 0.6) -> None:
        """A soft halo (sun, moon, lamp): blurred on a small patch, not the whole canvas."""
        size = max(4, round(radius * 4))
        small = max(4, min(size, 96))
        mask = Image.new("L", (small, small), 0)
        ImageDraw.Draw(mask).ellipse(
            (small * 0.25, small * 0.25, small * 0.75, small * 0.75), fill=round(255 * strength)
        )
        mask = mask.filter(ImageFilter.GaussianBlur(small / 8)).resize((size, size))
        box = (round(centre[0] - size / 2), round(centre[1] - size / 2))
        self.image.paste(Image.new("RGB", (size, size), colour), box, mask)


def ellipse_points(cx: float, cy: float, rx: float, ry: float, angle: float = 0) -> list[Point]:
    """A (rotated) ellipse as a polygon; angle in degrees, counter-clockwise."""
    turn = math.radians(-angle)
    cos, sin = math.cos(turn), math.sin(turn)
    points = []
    for step in range(24):
        t = step * math.tau / 24
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
    return points


class Pen:
    """Draws in a subject's units: (0, 0) is where it stands, one unit is `unit` pixels, y grows
    downwards (so points above the ground have negative v), `flip` mirrors it left to right."""

    def __init__(self, stage: Stage, x: float, y: float, unit: float, flip: bool = False) -> None:
        """A pen for a subject standing at (x, y) on the stage."""
        self.stage, self.x, self.y, self.unit = stage, x, y, unit
        self.sign = -1 if flip else 1

    def at(self, u: float, v: float) -> Point:
        """Canvas coordinates of the subject's point (u, v)."""
        return self.x + self.sign * u * self.unit, self.y + v * self.unit

    def _fill(self, colour: RGB | RGBA, lit: bool) -> RGBA:
        rgb, alpha = (colour[0], colour[1], colour[2]), colour[3] if len(colour) == 4 else 255
        return (*rgb, alpha) if lit else self.stage.shade(rgb, alpha)

    def poly(self, points: Sequence[Point], colour: RGB | RGBA, lit: bool = False) -> None:
        """A filled polygon."""
        self.stage.draw.polygon([self.at(u, v) for u, v in points], fill=self._fill(colour, lit))

    def oval(
        self,
        u: float,
        v: float,
        ru: float,
        rv: float,
        colour: RGB | RGBA,
        angle: float = 0,
        lit: bool = False,
    ) -> None:
        """A filled ellipse centred on (u, v), turned by `angle` degrees."""
        self.poly(ellipse_points(u, v, ru, rv, angle), colour, lit)  # mirrored with the points

    def rect(self, u0: float, v0: float, u1: float, v1: float, colour: RGB | RGBA) -> None:
        """A filled rectangle between two corners."""
        self.poly([(u0, v0), (u1, v0), (u1, v1), (u0, v1)], colour)

    def line(
        self, points: Sequence[Point], colour: RGB | RGBA, width: float, lit: bool = False
    ) -> None:
        """A stroke `width` units wide (at least one pixel)."""
        self.stage.draw.line(
            [self.at(u, v) for u, v in points],
            fill=self._fill(colour, lit),
            width=max(1, round(width * self.unit)),
            joint="curve",
        )

    def light(self, kind: str, points: Sequence[Point], colour: RGB, alpha: int = 255) -> None:
        """A bright mark drawn at the very end (a lamp, a lit window, an eye)."""
        coords = [c for u, v in points for c in self.at(u, v)]
        if kind != "polygon":  # boxes need their corners in order after a flip
            x0, y0, x1, y1 = coords
            coords = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
        self.stage.light(kind, tuple(coords), colour, alpha)
