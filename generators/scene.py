"""Painting what the prompt names: the sky for its time of day, the setting its subjects call
for, the subjects themselves where `placing` puts them, then the weather, back to front."""

from __future__ import annotations

import random

from PIL import Image

from . import buildings, land, sky, water
from .canvas import Stage, mix
from .figures import AUTUMN, Placed, paint_figure
from .palette import RGB, colour_rgb
from .placing import place
from .prompt import Reading
from .setting import Setting, setting_for

WINDOW = (0.2, 0.08, 0.8, 0.66)  # the window's opening, as shares of the picture
ROCK: RGB = (112, 116, 132)


def paint_scene(reading: Reading, width: int, height: int, rnd: random.Random) -> Stage:
    """Paint the picture (without its final texture and lights) on a new stage."""
    stage = Stage(Image.new("RGB", (width, height)), rnd, time=reading.time)
    setting = setting_for(reading, rnd)
    stage.horizon = round(height * setting.horizon)
    stage.ground_kind = setting.ground
    stage.autumn = bool({"autumn", "autumnal"} & set(reading.words))
    opening = None
    if setting.window:
        opening = (WINDOW[0] * width, WINDOW[1] * height, WINDOW[2] * width, WINDOW[3] * height)
    placed = place(reading, setting, stage, opening[3] if opening else None)
    indoors = [p for p in placed if opening and p.foot == opening[3]]
    outdoors = [p for p in placed if p not in indoors]
    stops = _sky_stops(reading)
    sky.paint_sky(stage, stops)
    glints = _heavens(stage, reading, setting, placed)
    _land_and_water(stage, reading, setting, stops, placed)
    for x, colour, spread in glints:
        bottom = round(height * setting.shore) if setting.shore else height
        water.glitter(stage, x, stage.horizon, bottom, colour, spread)
    _roads(stage, outdoors)
    for figure in outdoors:
        paint_figure(stage, figure)
    _weather(stage, reading.weather)
    if opening is not None:
        stage.draw_lights()  # the view's lights belong under the wall
        buildings.window(stage, opening, (196, 168, 140))
        for figure in indoors:
            paint_figure(stage, figure)
    return stage


def _tint(reading: Reading, name: str, loose: bool = False) -> RGB | None:
    """The colour the prompt gives a piece of scenery; with `loose`, else a colour it names
    without a subject ("in golden light"), softened: the palette of the ground and water."""
    subject = reading.get(name)
    if subject is not None and subject.colours:
        return colour_rgb(subject.colours[0])
    if loose and reading.loose_colours:
        return mix(colour_rgb(reading.loose_colours[0]), (128, 128, 128), 0.3)
    return None


def _sky_stops(reading: Reading) -> list[RGB]:
    tints = [colour_rgb(c) for c in reading.sky_colours]
    stops = sky.sky_stops(reading.time, reading.weather, tints)
    for word in reading.loose_colours[:1]:
        stops = [mix(stop, colour_rgb(word), 0.22) for stop in stops]
    return stops


def _away(stage: Stage, placed: list[Placed]) -> float:
    """An x for the sun or moon, on the side away from the subjects."""
    grounded = [p.x for p in placed if p.foot > stage.horizon * 0.6] or [stage.width / 2]
    middle = sum(grounded) / len(grounded)
    side = 0.25 if middle > stage.width / 2 else 0.75
    return stage.width * (side + stage.rnd.uniform(-0.08, 0.08))


Glint = tuple[float, RGB, float]


def _heavens(stage: Stage, reading: Reading, setting: Setting, placed: list[Placed]) -> list[Glint]:
    """Stars, sun, moon and clouds; returns the glitter they lay on open water."""
    rnd, time, names = stage.rnd, reading.time, set(reading.names)
    glints: list[Glint] = []
    on_water = setting.water in ("sea", "lake")
    wet = bool(reading.weather & {"rain", "storm"})
    if time == "night" or (time == "dusk" and "star" in names):
        sky.stars(stage, 110 + (170 if "star" in names else 0))
    elif time == "dusk":
        sky.stars(stage, 20)
    x = _away(stage, placed)
    low = time in ("sunset", "dawn")
    if not wet and ("sun" in names or low) and time not in ("night", "dusk"):
        radius = stage.width * (0.075 if low else 0.055)
        y = stage.horizon - radius * 0.45 if low else stage.height * 0.17
        sky.sun(stage, x, y, radius)
        if on_water and low:
            glints.append((x, (255, 196, 120), radius))
    if "moon" in names or (time == "night" and rnd.random() < 0.6 and not wet):
        mx = x if "sun" not in names else stage.width - x
        radius = stage.width * rnd.uniform(0.045, 0.06)
        sky.moon(stage, mx, stage.height * rnd.uniform(0.09, 0.18), radius)
        if on_water and time == "night":
            glints.append((mx, (236, 232, 206), radius * 0.7))
    cloudy = "cloud" in names or wet
    count = rnd.randint(3, 5) if cloudy else (rnd.randint(0, 2) if time == "day" else 0)
    sky.clouds(stage, count, _tint(reading, "cloud") or sky.cloud_colour(time, reading.weather))
    return glints


def _land_and_water(
    stage: Stage, reading: Reading, setting: Setting, stops: list[RGB], placed: list[Placed]
) -> None:
    """The ground, what stands on the horizon, the water and the near shore, and the extras."""
    height, horizon = stage.height, stage.horizon
    names = set(reading.names)
    ground_tint = (
        _tint(reading, "desert") or _tint(reading, "hill") or _tint(reading, "beach", loose=True)
    )
    if setting.water in (None, "river", "lake"):
        land.ground(stage, horizon, setting.ground, ground_tint)
    far_ground = land.GROUNDS[setting.ground][0]
    for name in setting.backdrop:
        if name == "mountain":
            rock = _tint(reading, "mountain") or ROCK
            land.mountains(stage, horizon + 2, rock, stops[-1])
        elif name == "hill":
            colour = mix(ground_tint, far_ground, 0.4) if ground_tint else far_ground
            land.hills(stage, horizon, colour, 2, stops[-1])
        elif name == "forest":
            colour = _tint(reading, "forest") or (40, 92, 60)
            named = reading.get("forest")
            leaves = AUTUMN if stage.autumn and not (named and named.colours) else ()
            land.forest(
                stage, horizon + height * 0.01, colour, stops[-1], setting.ground == "snow", leaves
            )
        elif name == "city":
            night = stage.time in ("night", "dusk")
            colour = _tint(reading, "city") or ((40, 44, 62) if night else (118, 128, 150))
            base = horizon if setting.water else horizon + height * 0.14
            buildings.city(stage, base, height * 0.38, colour)
            if setting.ground == "street" and setting.water is None:
                buildings.street_lamps(stage, base + height * 0.12, height * 0.16)
        elif name == "desert":
            land.dunes(stage, horizon, ground_tint or land.GROUNDS["sand"][0])
    named_water = _tint(reading, "sea") or _tint(reading, "lake") or _tint(reading, "river")
    colours = water.water_colours(stage.time, named_water or _tint(reading, "", loose=True))
    bottom = round(height * setting.shore) if setting.shore else height
    if setting.water == "sea" and {"city", "mountain"} & set(setting.backdrop):
        water.reflect(stage, horizon, bottom, colours)  # a harbour mirrors its skyline
        if _waves(reading):
            water.crests(stage, horizon, bottom)
    elif setting.water == "sea":
        water.sea(stage, horizon, bottom, colours, _waves(reading))
    elif setting.water == "lake":
        water.reflect(stage, horizon, bottom, colours)
    elif setting.water == "river":
        _river_and_bridge(stage, reading, colours, placed)
    if setting.shore:  # the near land, under a gently wavy waterline
        kind = "sand" if "beach" in names else setting.ground
        colour = mix(*land.GROUNDS[kind], 0.5)
        if ground_tint is not None and kind != "sand":
            colour = mix(colour, ground_tint, 0.6)
        water.shore(stage, bottom, colour)
    _extras(stage, reading, setting, placed)


def _waves(reading: Reading) -> bool:
    """Foam on the sea: the prompt names waves or a storm."""
    return "storm" in reading.weather or bool({"wave", "waves", "surf"} & set(reading.words))


def _river_and_bridge(
    stage: Stage, reading: Reading, colours: tuple[RGB, RGB], placed: list[Placed]
) -> None:
    away = _away(stage, placed) / stage.width  # down the side the subjects leave free
    course = water.river(stage, stage.horizon, colours, 0.12 if away < 0.5 else 0.88)
    if reading.get("bridge") is not None:
        y, centre, half = course[len(course) * 3 // 5]
        span = max(half * 1.7, stage.width * 0.2)
        stone = _tint(reading, "bridge") or (150, 140, 128)
        buildings.bridge(
            stage,
            centre - span,
            centre + span,
            y - stage.height * 0.11,
            y + stage.height * 0.02,
            stone,
        )


def _extras(stage: Stage, reading: Reading, setting: Setting, placed: list[Placed]) -> None:
    """The cliff, the island, the rocks under a lighthouse, a bridge over open water."""
    width, height, horizon = stage.width, stage.height, stage.horizon
    grass = mix(land.GROUNDS[setting.ground][1], (60, 120, 50), 0.2)
    tower = next((p for p in placed if p.name == "lighthouse"), None)
    if setting.cliff:
        left = tower.x < width / 2 if tower else stage.rnd.random() < 0.5
        x = tower.x if tower else width * (0.3 if left else 0.7)
        reach = x + (1 if left else -1) * width * 0.14
        top = tower.foot if tower else horizon - height * 0.04
        land.cliff(stage, "left" if left else "right", reach, top, grass)
    elif tower is not None:
        rock = stage.shade((70, 66, 70))
        r = tower.unit * 0.3
        stage.draw.ellipse(
            (tower.x - r, tower.foot - r * 0.25, tower.x + r, tower.foot + r * 0.3), fill=rock
        )
    if reading.get("island") is not None:
        x = _away(stage, placed)
        bottom = height * setting.shore if setting.shore else height
        land.island(stage, x, horizon + (bottom - horizon) * 0.12, width * 0.14, grass)
    if reading.get("bridge") is not None and setting.water in ("sea", "lake"):
        bottom = height * setting.shore if setting.shore else height
        y = horizon + (bottom - horizon) * 0.3
        buildings.bridge(stage, -2, width + 2, y - height * 0.1, y, (150, 140, 128))


def _roads(stage: Stage, placed: list[Placed]) -> None:
    """A road under each row of cars, with a dashed centre line."""
    for foot in sorted({p.foot for p in placed if p.name == "car"}):
        unit = max(p.unit for p in placed if p.name == "car" and p.foot == foot)
        top, bottom = foot - unit * 0.08, foot + unit * 0.05
        stage.draw.rectangle((0, top, stage.width, bottom), fill=stage.shade((80, 80, 86)))
        dash = unit * 0.08
        x = stage.rnd.uniform(0, dash)
        while x < stage.width:
            stage.draw.rectangle(
                (x, foot - unit * 0.02, x + dash, foot - unit * 0.012),
                fill=stage.shade((236, 236, 220)),
            )
            x += dash * 2.2


def _weather(stage: Stage, weather: frozenset[str]) -> None:
    """Lightning, rain, snowfall and fog over everything painted so far."""
    dark = stage.time in ("night", "dusk")
    if "storm" in weather:
        sky.lightning(stage)
    if weather & {"rain", "storm"}:
        sky.rain(stage, "storm" in weather)
    if "snow" in weather:
        sky.snowfall(stage, False)
    if "fog" in weather:
        sky.fog(stage, dark)
