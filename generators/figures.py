"""The subjects placed in a picture: where each stands, how big, which way it faces, its colours,
and the drawing that paints it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import animals, buildings, objects
from .canvas import Pen, Stage
from .land import pine
from .palette import RGB, colour_rgb
from .prompt import Subject

# default paints, one picked by the seed when the prompt names no colour
DEFAULTS: dict[str, tuple[RGB, ...]] = {
    "fox": ((214, 96, 34),),
    "cat": ((118, 116, 122), (214, 130, 56), (56, 52, 58)),
    "dog": ((150, 100, 60), (206, 160, 96), (70, 58, 52)),
    "horse": ((140, 82, 46), (96, 62, 42), (226, 222, 214)),
    "rabbit": ((150, 122, 96), (206, 196, 184)),
    "bird": ((200, 70, 46), (60, 110, 200), (226, 186, 52)),
    "fish": ((244, 130, 36), (230, 80, 40)),
    "tree": ((70, 140, 58), (90, 150, 60)),
    "flower": ((220, 40, 60), (240, 120, 170), (246, 210, 60), (150, 80, 200), (250, 250, 245)),
    "house": ((238, 226, 196), (246, 246, 240), (236, 208, 140), (180, 90, 70)),
    "castle": ((176, 170, 158),),
    "boat": ((150, 60, 40), (40, 70, 140), (240, 240, 236), (200, 40, 40)),
    "car": ((200, 40, 40), (40, 90, 200), (240, 200, 50), (50, 130, 80)),
    "person": ((200, 50, 40), (40, 80, 160), (230, 180, 50)),
    "lighthouse": ((206, 42, 38),),
}
SECOND: dict[str, RGB] = {  # the second paint of two-coloured subjects
    "lighthouse": (248, 248, 244),
    "house": (160, 52, 42),
    "castle": (64, 76, 134),
    "bird": (36, 36, 44),  # a bird in flight is a dark shape against the sky
}
AUTUMN: tuple[RGB, ...] = ((214, 110, 40), (190, 62, 40), (226, 168, 52))
SPECIAL: dict[tuple[str, str], RGB] = {("fox", "red"): (212, 84, 30)}  # a red fox is fox red
# unit of each subject, as a share of the picture's height, when it is the main subject
SIZES = {
    "fox": 0.28,
    "cat": 0.36,
    "dog": 0.3,
    "horse": 0.36,
    "rabbit": 0.26,
    "person": 0.3,
    "car": 0.5,
    "house": 0.38,
    "castle": 0.34,
    "tree": 0.5,
    "flower": 0.42,
    "lighthouse": 0.44,
    "boat": 0.3,
    "fish": 0.12,
    "bird": 0.07,
}


@dataclass(frozen=True)
class Placed:
    """One subject to paint, where and how."""

    name: str
    x: float
    foot: float  # y it stands on (water line, ground, sill; its middle in the sky)
    unit: float  # pixels
    flip: bool
    paints: tuple[RGB, RGB]
    named: bool = False  # the prompt named its colour
    word: str = ""  # the word that named it


def paints_for(subject: Subject, rnd: random.Random) -> tuple[RGB, RGB]:
    """The subject's two paints: the colours the prompt gives it, else its defaults."""
    named = [SPECIAL.get((subject.name, c)) or colour_rgb(c) for c in subject.colours]
    first = named[0] if named else rnd.choice(DEFAULTS.get(subject.name, ((128, 128, 128),)))
    second = named[1] if len(named) > 1 else SECOND.get(subject.name, first)
    return first, second


def _animal(draw: Callable[[Pen, RGB], None]) -> Callable[[Pen, Placed], None]:
    return lambda pen, placed: draw(pen, placed.paints[0])


def _tree(pen: Pen, placed: Placed) -> None:
    if placed.word in ("palm", "palms"):
        objects.palm(pen, placed.paints[0])
    elif pen.stage.ground_kind == "snow":
        pine(pen.stage, placed.x, placed.foot, placed.unit, (40, 92, 60), True)
    else:
        autumn = pen.stage.autumn and not placed.named
        leaves = pen.stage.rnd.choice(AUTUMN) if autumn else placed.paints[0]
        objects.tree(pen, leaves, False)


def _bird(pen: Pen, placed: Placed) -> None:
    if placed.foot > pen.stage.horizon:  # perched: on a bough reaching in from the side
        edge = pen.stage.width if placed.x > pen.stage.width / 2 else 0
        pen.stage.draw.line(
            (edge, placed.foot + placed.unit * 0.1, placed.x, placed.foot - placed.unit * 0.02),
            fill=pen.stage.shade((92, 64, 44)),
            width=max(2, round(placed.unit * 0.08)),
        )
        animals.bird_perched(pen, placed.paints[0])
    else:
        animals.bird_flying(pen, placed.paints[0] if placed.named else placed.paints[1])


def _lighthouse(pen: Pen, placed: Placed) -> None:
    side = -1 if placed.x > pen.stage.width / 2 else 1
    buildings.lighthouse(pen, placed.paints, side * (-1 if placed.flip else 1))


DRAW: dict[str, Callable[[Pen, Placed], None]] = {
    "fox": _animal(animals.fox),
    "cat": _animal(animals.cat),
    "dog": _animal(animals.dog),
    "horse": _animal(animals.horse),
    "rabbit": _animal(animals.rabbit),
    "fish": _animal(animals.fish),
    "bird": _bird,
    "tree": _tree,
    "flower": lambda pen, placed: objects.flower(pen, placed.paints[0]),
    "house": lambda pen, placed: buildings.house(pen, *placed.paints),
    "castle": lambda pen, placed: buildings.castle(pen, *placed.paints),
    "boat": _animal(objects.boat),
    "car": _animal(objects.car),
    "person": _animal(objects.person),
    "lighthouse": _lighthouse,
}


# how far a subject reaches behind and ahead of where it stands, for its shadow on the ground
REACH = {
    "fox": (-1.15, 1.0),
    "cat": (-0.35, 0.55),
    "dog": (-0.6, 0.85),
    "horse": (-0.65, 0.85),
    "rabbit": (-0.38, 0.42),
    "person": (-0.18, 0.18),
    "car": (-0.52, 0.52),
}


def paint_figure(stage: Stage, placed: Placed) -> None:
    """Paint one placed subject (with its shadow, if it stands on the ground)."""
    pen = Pen(stage, placed.x, placed.foot, placed.unit, placed.flip)
    if placed.name in REACH and placed.foot > stage.horizon:
        back, ahead = REACH[placed.name]
        pen.oval((back + ahead) / 2, 0.0, (ahead - back) / 2, 0.05, (20, 24, 40, 70), lit=True)
    DRAW[placed.name](pen, placed)
