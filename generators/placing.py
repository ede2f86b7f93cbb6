"""Where the subjects go: one slot each across the picture in the order the prompt names them
(the first is the main subject, the largest), then each kind at its height: birds in the sky,
boats on the water, the rest on the ground (or the windowsill); several of a kind spread out."""

from __future__ import annotations

import random

from .canvas import Stage
from .figures import SIZES, Placed, paints_for
from .prompt import Reading, Subject
from .setting import FIGURES, IN_SKY, ON_WATER, Setting, count_of

STRUCTURES = {"house", "castle"}
# how far down the near land a main subject stands (0: far edge, 1: bottom of the picture)
DEPTH = {"house": 0.32, "castle": 0.3, "tree": 0.5, "flower": 0.96, "car": 0.7}


def slots(count: int, rnd: random.Random) -> list[float]:
    """x of each subject's slot, as a share of the width, left to right in mention order."""
    if count == 1:
        return [0.5 + rnd.uniform(-0.1, 0.1)]
    return [0.2 + 0.6 * i / (count - 1) + rnd.uniform(-0.03, 0.03) for i in range(count)]


def place(reading: Reading, setting: Setting, stage: Stage, sill: float | None) -> list[Placed]:
    """Every subject to paint, far ones first."""
    rnd = stage.rnd
    figures = [s for s in reading.subjects if s.name in FIGURES and s.name != "bridge"]
    placed: list[Placed] = []
    for index, (subject, share) in enumerate(zip(figures, slots(len(figures), rnd), strict=True)):
        scale = 1.0 if len(figures) == 1 else (0.8 if index == 0 else 0.62)
        context = _Context(stage, setting, sill, subject, share * stage.width, scale, index == 0)
        placed += context.instances(count_of(reading, subject.name))
    return sorted(placed, key=lambda p: p.foot)


class _Context:
    """Placing one subject: its slot, size and paints, and where its kind goes."""

    def __init__(
        self,
        stage: Stage,
        setting: Setting,
        sill: float | None,
        subject: Subject,
        x: float,
        scale: float,
        main: bool,
    ) -> None:
        self.stage, self.setting, self.sill, self.subject = stage, setting, sill, subject
        self.x, self.scale, self.main = x, scale, main
        self.rnd = stage.rnd
        self.paints = paints_for(subject, self.rnd)
        height = stage.height
        self.water_bottom = height * setting.shore if setting.shore else height
        self.near_top = self.water_bottom if setting.water in ("sea", "lake") else stage.horizon
        self.flip = x > stage.width / 2 if not main or scale < 1 else self.rnd.random() < 0.5

    def make(self, x: float, foot: float, unit: float, flip: bool | None = None) -> Placed:
        """One instance of the subject."""
        return Placed(
            self.subject.name,
            x,
            foot,
            unit,
            self.flip if flip is None else flip,
            self.paints,
            bool(self.subject.colours),
            self.subject.word,
        )

    def instances(self, count: int) -> list[Placed]:
        """`count` instances, where the subject's kind goes."""
        name = self.subject.name
        if name in IN_SKY:
            return self.birds(count)
        if name in ON_WATER:
            return self.on_water(count)
        if name == "lighthouse":
            return [self.lighthouse()]
        if name == "flower" and count > 1:
            return self.field(count)
        return self.on_ground(count)

    def size(self) -> float:
        """The subject's unit in pixels."""
        return SIZES[self.subject.name] * self.stage.height * self.scale

    def birds(self, count: int) -> list[Placed]:
        """Birds flying in the sky; a single bird on dry land is perched, and larger."""
        stage, rnd = self.stage, self.rnd
        if count == 1 and self.main and self.setting.water is None and not self.setting.window:
            return [self.make(self.x, stage.height * 0.66, stage.height * 0.3 * self.scale)]
        span = stage.width * (0.07 if count < 5 else 0.05) * self.scale**0.5
        out = []
        for i in range(count):
            x = self.x + (i - (count - 1) / 2) * span * 2.6 + rnd.uniform(-0.4, 0.4) * span
            y = stage.horizon * rnd.uniform(0.16, 0.5)
            out.append(self.make(x, y, span * rnd.uniform(0.75, 1.15)))
        return out

    def on_water(self, count: int) -> list[Placed]:
        """Boats or fish on the water, nearer ones larger."""
        stage, rnd = self.stage, self.rnd
        top, bottom = stage.horizon, self.water_bottom
        out = []
        for i in range(count):
            depth = (0.55 if self.main else 0.35) if i == 0 else rnd.uniform(0.1, 0.5)
            foot = top + (bottom - top) * depth
            unit = self.size() * (0.4 + depth) / 0.95 * (1 if i == 0 else 0.9)
            x = self.x if i == 0 else rnd.uniform(0.05, 0.95) * stage.width
            out.append(self.make(x, foot, unit, x > stage.width / 2))
        return out

    def lighthouse(self) -> Placed:
        """On the cliff top towards its side of the picture, or on rocks out at sea."""
        stage = self.stage
        unit = self.size()
        if self.setting.cliff:
            left = self.x < stage.width / 2
            x = stage.width * (0.24 if left else 0.76)
            return self.make(x, stage.horizon - stage.height * 0.04, unit * 0.95, not left)
        foot = stage.horizon + (self.water_bottom - stage.horizon) * 0.22
        return self.make(self.x, foot, unit, self.x > stage.width / 2)

    def on_ground(self, count: int) -> list[Placed]:
        """On the near land (or the windowsill); several stand side by side, or in a row."""
        stage, rnd = self.stage, self.rnd
        name = self.subject.name
        near = stage.height - self.near_top
        depth = DEPTH.get(name, 0.72) * (1 if self.main else 0.8)
        if self.setting.shore and name in STRUCTURES:  # on the near shore, not in the water
            depth = max(depth, 0.55)
        unit = self.size()
        if self.sill is not None and name not in STRUCTURES | {"tree"}:
            foot, unit = self.sill, unit * 1.05
        else:
            foot = self.near_top + near * depth
        if count == 1:
            return [self.make(self.x, foot, unit)]
        if name == "tree" or name in STRUCTURES:  # a row along the land, far ones smaller
            out = []
            for i in range(count):
                share = (i + rnd.uniform(0.2, 0.8)) / count
                d = rnd.uniform(0.15, 0.6)
                out.append(
                    self.make(share * stage.width, self.near_top + near * d, unit * (0.4 + d))
                )
            return out
        gap = unit * (1.0 if name in ("cat", "rabbit", "person") else 1.6) * 0.8
        span, margin = (count - 1) * gap, unit * 0.5  # the group kept inside the picture
        left = min(max(self.x - span / 2, margin), max(margin, stage.width - margin - span))
        return [
            self.make(
                left + i * gap,
                foot + rnd.uniform(-0.01, 0.01) * stage.height,
                unit * 0.8 * rnd.uniform(0.9, 1.05),
            )
            for i in range(count)
        ]

    def field(self, count: int) -> list[Placed]:
        """Flowers scattered over the near land, nearer ones larger."""
        stage, rnd = self.stage, self.rnd
        near = stage.height - self.near_top
        out = []
        for _ in range(count):
            depth = rnd.uniform(0.15, 1.05)
            x = rnd.uniform(-0.02, 1.02) * stage.width
            out.append(
                self.make(x, self.near_top + near * depth, self.size() * 0.45 * (0.3 + depth))
            )
        return out
