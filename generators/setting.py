"""Where a subject picture takes place: from what the prompt names, the water (sea, lake,
river), the ground underfoot, what stands on the horizon, and where the horizon is."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .prompt import Reading

# Subjects that are placed in the picture (the rest are scenery or weather).
FIGURES = (
    "lighthouse fox cat dog horse rabbit bird fish tree flower house castle bridge boat car person"
).split()
ON_WATER = {"boat", "fish"}
IN_SKY = {"bird"}
SEA_SUBJECTS = {"sea", "beach", "lighthouse", "island", "cliff"}
# how many of a subject named in the plural without a number
PLURAL_COUNTS = {"bird": 5, "tree": 5, "flower": 18, "house": 4, "boat": 3, "fish": 4, "person": 3}


@dataclass(frozen=True)
class Setting:
    """The lay of the land."""

    water: str | None  # "sea", "lake", "river" or None
    ground: str  # grass, snow, sand or street (canvas.GROUNDS)
    backdrop: tuple[str, ...]  # mountain, hill, forest, city, desert: what stands on the horizon
    horizon: float  # share of the height
    shore: float | None  # share of the height where the near land begins, over water
    window: bool  # the scene is the view from a window
    cliff: bool  # a sea cliff rises at one side


def count_of(reading: Reading, name: str) -> int:
    """How many of a subject to paint."""
    subject = reading.get(name)
    if subject is None:
        return 0
    if subject.count is not None:
        return subject.count
    return PLURAL_COUNTS.get(name, 2) if subject.plural else 1


def _water(names: set[str]) -> str | None:
    if names & SEA_SUBJECTS:
        return "sea"
    if "lake" in names:
        return "lake"
    if "river" in names or "bridge" in names:
        return "river"
    if "boat" in names:
        return "sea"
    if "fish" in names:
        return "lake"
    return None


def _ground(names: set[str], weather: frozenset[str]) -> str:
    if "snow" in weather:
        return "snow"
    if names & {"desert", "beach"}:
        return "sand"
    if "city" in names and not names & {"hill", "forest", "mountain"}:
        return "street"
    return "grass"


def setting_for(reading: Reading, rnd: random.Random) -> Setting:
    """Choose the setting a prompt's subjects call for."""
    names = set(reading.names)
    water = _water(names)
    backdrop = tuple(n for n in ("mountain", "desert", "hill", "forest", "city") if n in names)
    if not backdrop and water != "sea":
        backdrop = ("hill", "forest") if "snow" in reading.weather else ("hill",)
    horizon = rnd.uniform(0.52, 0.58)
    if "desert" in names:
        horizon -= 0.06
    if "window" in names:
        horizon = 0.58
    stands = names & {n for n in FIGURES if n not in ON_WATER | IN_SKY | {"lighthouse", "bridge"}}
    shore = None
    if water == "lake":
        shore = rnd.uniform(0.72, 0.76) if stands else rnd.uniform(0.8, 0.85)
    elif water == "sea" and (stands or "beach" in names) and "window" not in names:
        shore = rnd.uniform(0.72, 0.78)
    return Setting(
        water=water,
        ground=_ground(names, reading.weather),
        backdrop=backdrop,
        horizon=horizon,
        shore=shore,
        window="window" in names,
        cliff="cliff" in names,
    )
