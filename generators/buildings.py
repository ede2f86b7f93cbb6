"""Buildings for subject pictures: a striped lighthouse with its lamp and beam, a house, a
castle, an arched bridge, a city skyline with lit windows, and a window to look out of."""

from __future__ import annotations

from PIL import Image, ImageDraw

from .canvas import Pen, Stage, mix
from .palette import RGB

LAMP: RGB = (255, 236, 150)
WINDOW_LIT: RGB = (255, 214, 120)
GLASS: RGB = (170, 200, 222)
DARK: RGB = (40, 36, 40)
NIGHT = ("night", "dusk")


def lighthouse(pen: Pen, stripes: tuple[RGB, RGB], beam_side: int) -> None:
    """A tapering tower in bands of two colours, a railed gallery, a lit lantern under a dome,
    and its beam (unit: the tower's height)."""
    stage = pen.stage
    pen.rect(-0.17, -0.04, 0.17, 0.0, (90, 88, 92))  # plinth
    bands = 6
    for band in range(bands):
        low, high = -0.04 - 0.68 * band / bands, -0.04 - 0.68 * (band + 1) / bands
        w_low, w_high = 0.12 - 0.05 * band / bands, 0.12 - 0.05 * (band + 1) / bands
        pen.poly([(-w_low, low), (-w_high, high), (w_high, high), (w_low, low)], stripes[band % 2])
    pen.rect(-0.035, -0.14, 0.035, -0.04, DARK)  # door
    pen.rect(-0.11, -0.755, 0.11, -0.72, DARK)  # gallery
    for x in (-0.1, -0.05, 0.0, 0.05, 0.1):
        pen.line([(x, -0.72), (x, -0.79)], DARK, 0.012)
    pen.line([(-0.11, -0.79), (0.11, -0.79)], DARK, 0.014)
    pen.light("rectangle", [(-0.06, -0.87), (0.06, -0.755)], LAMP)
    for x in (-0.02, 0.02):
        pen.light("rectangle", [(x - 0.006, -0.87), (x + 0.006, -0.755)], (120, 100, 60))
    pen.poly([(-0.08, -0.865), (0.0, -0.96), (0.08, -0.865)], stripes[0])  # dome
    pen.line([(0.0, -0.96), (0.0, -1.0)], DARK, 0.012)
    lamp = pen.at(0.0, -0.81)
    stage.glow(lamp, pen.unit * 0.45, LAMP, 0.7 if stage.time in NIGHT else 0.45)
    alpha = 120 if stage.time in NIGHT else 70
    reach = beam_side * 3.0
    pen.light("polygon", [(0.0, -0.83), (reach, -1.02), (reach, -0.62), (0.0, -0.79)], LAMP, alpha)


def house(pen: Pen, walls: RGB, roof: RGB) -> None:
    """A cottage: walls, a pitched roof with a chimney, a door and two windows (lit at night)."""
    lit = pen.stage.time in NIGHT
    pen.rect(0.2, -0.92, 0.3, -0.66, (130, 70, 56))  # chimney
    pen.rect(-0.45, -0.56, 0.45, 0.0, walls)
    pen.poly([(-0.56, -0.53), (0.0, -1.0), (0.56, -0.53)], roof)
    pen.poly([(-0.56, -0.53), (0.56, -0.53), (0.52, -0.5), (-0.52, -0.5)], mix(roof, DARK, 0.4))
    pen.rect(-0.08, -0.32, 0.08, 0.0, (110, 70, 44))  # door
    for x in (-0.34, 0.16):
        if lit:
            pen.light("rectangle", [(x, -0.43), (x + 0.18, -0.25)], WINDOW_LIT)
        else:
            pen.rect(x, -0.43, x + 0.18, -0.25, GLASS)
            pen.line([(x + 0.09, -0.43), (x + 0.09, -0.25)], (250, 250, 250), 0.018)
            pen.line([(x, -0.34), (x + 0.18, -0.34)], (250, 250, 250), 0.018)


def castle(pen: Pen, walls: RGB, roofs: RGB) -> None:
    """A castle: a crenellated curtain wall between two round towers with conical roofs, a tall
    keep, a gate and flags (unit: the towers' height)."""
    shadow = mix(walls, DARK, 0.25)
    pen.rect(-0.18, -0.98, 0.18, -0.5, shadow)  # keep
    pen.poly([(-0.23, -0.98), (0.0, -1.3), (0.23, -0.98)], roofs)
    pen.rect(-0.55, -0.55, 0.55, 0.0, walls)  # curtain wall
    for i in range(11):
        x = -0.55 + i * 0.1
        pen.rect(x, -0.62, x + 0.06, -0.55, walls)
    for x in (-0.62, 0.62):  # towers
        pen.rect(x - 0.15, -0.85, x + 0.15, 0.0, shadow if x > 0 else walls)
        pen.poly([(x - 0.2, -0.85), (x, -1.18), (x + 0.2, -0.85)], roofs)
        pen.line([(x, -1.18), (x, -1.32)], DARK, 0.015)
        pen.poly([(x, -1.32), (x + 0.12, -1.28), (x, -1.24)], (200, 40, 40))
        pen.rect(x - 0.025, -0.62, x + 0.025, -0.5, DARK)
    pen.poly(
        [(-0.13, 0.0), (-0.13, -0.22), (-0.08, -0.3), (0.08, -0.3), (0.13, -0.22), (0.13, 0.0)],
        DARK,
    )  # gate
    if pen.stage.time in NIGHT:
        for x in (-0.3, 0.3, 0.0):
            pen.light("rectangle", [(x - 0.025, -0.45), (x + 0.025, -0.35)], WINDOW_LIT)


def bridge(stage: Stage, left: float, right: float, deck: float, water: float, stone: RGB) -> None:
    """A stone bridge of round arches from x = left to right, its deck at y = deck."""
    width, height = round(right - left), round(water - deck)
    if width < 4 or height < 4:
        return
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle((0, 0, width, height), fill=255)
    arches = max(2, round(width / (height * 1.6)))
    span = width / arches
    for i in range(arches):
        x0 = i * span + span * 0.12
        x1 = (i + 1) * span - span * 0.12
        draw.ellipse((x0, height * 0.32, x1, height * 0.32 + (x1 - x0)), fill=0)
        draw.rectangle((x0, height * 0.32 + (x1 - x0) / 2, x1, height), fill=0)
    fill = Image.new("RGB", (width, height), stage.shade(stone)[:3])
    stage.image.paste(fill, (round(left), round(deck)), mask)
    stage.draw.rectangle(
        (left, deck - height * 0.08, right, deck + height * 0.04),
        fill=stage.shade(mix(stone, DARK, 0.25)),
    )


def city(stage: Stage, base: float, tallest: float, colour: RGB) -> None:
    """A skyline of towers standing on `base`, two rows deep, windows lit at night or dusk."""
    rnd = stage.rnd
    lit = stage.time in NIGHT
    for row in range(2):
        fill = mix(colour, (140, 150, 170), 0.35) if row == 0 else colour
        x = rnd.uniform(-0.04, 0) * stage.width
        while x < stage.width:
            w = stage.width * rnd.uniform(0.045, 0.1)
            h = tallest * rnd.uniform(0.35, 1.0) * (1.0 if row == 0 else 0.75)
            _tower(stage, x, base, w, h, fill, lit and row == 1)
            x += w + stage.width * rnd.uniform(0.0, 0.02)


def street_lamps(stage: Stage, foot: float, tall: float) -> None:
    """A row of street lamps standing on `foot`, lit after dark."""
    rnd, draw = stage.rnd, stage.draw
    lit = stage.time in NIGHT
    post = stage.shade((44, 44, 52))
    width = max(1, round(tall * 0.05))
    x = rnd.uniform(0.05, 0.2) * stage.width
    while x < stage.width:
        top = foot - tall
        draw.line((x, foot, x, top), fill=post, width=width)
        draw.line((x, top, x + tall * 0.12, top), fill=post, width=width)
        lamp = (x + tall * 0.12, top + width)
        if lit:
            stage.glow(lamp, tall * 0.5, WINDOW_LIT, 0.5)
        r = width * 1.6
        stage.light(
            "ellipse",
            (lamp[0] - r, lamp[1] - r, lamp[0] + r, lamp[1] + r),
            WINDOW_LIT if lit else (200, 200, 190),
        )
        x += stage.width * rnd.uniform(0.22, 0.3)


def _tower(stage: Stage, x: float, base: float, w: float, h: float, fill: RGB, lit: bool) -> None:
    rnd, draw = stage.rnd, stage.draw
    top = base - h
    draw.rectangle((x, top, x + w, base), fill=stage.shade(fill))
    roof = rnd.random()
    if roof < 0.2:  # a spire
        draw.line(
            (x + w / 2, top, x + w / 2, top - h * 0.18),
            fill=stage.shade(fill),
            width=max(1, round(w / 12)),
        )
    elif roof < 0.4:  # a stepped top
        draw.rectangle((x + w * 0.2, top - h * 0.08, x + w * 0.8, top), fill=stage.shade(fill))
    cell = max(3.0, w / 5)
    pane = max(2.0, cell * 0.45)
    glass = mix(fill, GLASS, 0.45)
    y = top + cell * 0.8
    while y < base - cell:
        column = x + cell * 0.6
        while column + pane < x + w - cell * 0.3:
            if lit and rnd.random() < 0.45:
                stage.light("rectangle", (column, y, column + pane, y + pane * 1.3), WINDOW_LIT)
            elif not lit and rnd.random() < 0.7:
                draw.rectangle(
                    (column, y, column + pane, y + pane * 1.3), fill=stage.shade(glass, 200)
                )
            column += cell
        y += cell * 1.3


def window(stage: Stage, box: tuple[float, float, float, float], wall: RGB) -> float:
    """Frame what was painted so far as the view from a window in a wall, with curtains and a
    sill; returns the y of the sill's top, where things can sit."""
    left, top, right, bottom = box
    width, height = stage.width, stage.height
    draw = stage.draw
    wall_colour = stage.shade(wall)
    for rect in (
        (0, 0, width, top),
        (0, top, left, height),
        (right, top, width, height),
        (left, bottom, right, height),
    ):
        draw.rectangle(rect, fill=wall_colour)
    frame = stage.shade((236, 230, 218))
    bar = max(2, round(width * 0.012))
    draw.rectangle((left - bar, top - bar, right + bar, bottom), outline=frame, width=bar * 2)
    middle = (left + right) / 2
    draw.rectangle((middle - bar / 2, top, middle + bar / 2, bottom), fill=frame)
    draw.rectangle(
        (left, (top + bottom) / 2 - bar / 2, right, (top + bottom) / 2 + bar / 2), fill=frame
    )
    curtain = stage.shade(mix(wall, (150, 40, 60), 0.6))
    for edge, sign in ((left, 1), (right, -1)):
        draw.polygon(
            [
                (edge - sign * bar * 3, top - bar * 2),
                (edge + sign * width * 0.07, top - bar * 2),
                (edge + sign * width * 0.03, bottom),
                (edge - sign * bar * 3, bottom),
            ],
            fill=curtain,
        )
    sill = bottom + height * 0.035
    draw.rectangle(
        (left - width * 0.06, bottom, right + width * 0.06, sill), fill=stage.shade((224, 216, 200))
    )
    draw.rectangle(
        (left - width * 0.06, sill, right + width * 0.06, sill + height * 0.012),
        fill=stage.shade((150, 140, 128)),
    )
    return bottom + height * 0.004
