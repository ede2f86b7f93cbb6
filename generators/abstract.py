"""The built-in painter's abstract composition, for prompts that name nothing it can draw:
layered hills, a sun, water or towers, in a palette steered by the prompt's words."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

from .canvas import mix
from .land import ridge
from .palette import Scene, scene_for


def _sky(size: tuple[int, int], scene: Scene) -> Image.Image:
    width, height = size
    gradient = Image.linear_gradient("L").resize((width, height))
    top = Image.new("RGB", size, scene.sky_top)
    bottom = Image.new("RGB", size, scene.sky_bottom)
    return Image.composite(bottom, top, gradient)


def _sun(canvas: Image.Image, scene: Scene, rnd: random.Random) -> None:
    width, height = canvas.size
    x, y = rnd.uniform(0.2, 0.8) * width, rnd.uniform(0.15, 0.4) * height
    radius = rnd.uniform(0.05, 0.09) * width
    glow = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(glow)
    draw.ellipse(
        (x - radius * 2.5, y - radius * 2.5, x + radius * 2.5, y + radius * 2.5),
        fill=(*scene.sun, 70),
    )
    glow = glow.filter(ImageFilter.GaussianBlur(radius))
    ImageDraw.Draw(glow).ellipse(
        (x - radius, y - radius, x + radius, y + radius), fill=(*scene.sun, 255)
    )
    canvas.alpha_composite(glow)
    if scene.time == "night":
        stars = ImageDraw.Draw(canvas)
        for _ in range(140):
            sx, sy = rnd.uniform(0, width), rnd.uniform(0, height * 0.55)
            r = rnd.uniform(0.6, 1.8)
            stars.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(255, 255, 240, 200))


def _hills(canvas: Image.Image, scene: Scene, rnd: random.Random, horizon: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas)
    layers = len(scene.land)
    for index, colour in enumerate(scene.land):
        depth = index / max(1, layers - 1)
        base = height * (horizon - 0.22 + 0.12 * index)
        line = ridge(width, base, height * (0.16 - 0.03 * index), rnd)
        step = width / (len(line) - 1)
        outline = [(i * step, y) for i, y in enumerate(line)]
        haze = mix(colour, scene.sky_bottom, 0.55 * (1 - depth))
        draw.polygon([*outline, (width, height), (0, height)], fill=(*haze, 255))


def _water(canvas: Image.Image, scene: Scene, rnd: random.Random, horizon: float) -> None:
    width, height = canvas.size
    top = int(height * (horizon + 0.12))
    reflection = canvas.crop((0, top - (height - top), width, top)).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM
    )
    tint = Image.new("RGBA", reflection.size, (*mix(scene.sky_top, scene.land[0], 0.4), 150))
    reflection.alpha_composite(tint)
    draw = ImageDraw.Draw(reflection)
    for _ in range(220):
        y = rnd.uniform(0, reflection.height)
        x = rnd.uniform(-50, width)
        draw.line((x, y, x + rnd.uniform(20, 120), y), fill=(*scene.sun, 60), width=2)
    canvas.paste(reflection, (0, top))


def _towers(canvas: Image.Image, scene: Scene, rnd: random.Random, horizon: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas)
    base = height * (horizon + 0.12)
    x = rnd.uniform(0, width * 0.1)
    colour = mix(scene.land[-1], (20, 20, 30), 0.3)
    while x < width:
        w = rnd.uniform(0.03, 0.08) * width
        h = rnd.uniform(0.08, 0.3) * height
        draw.rectangle((x, base - h, x + w, base), fill=(*colour, 255))
        for wy in range(int(base - h + 8), int(base - 6), 14):
            if rnd.random() < 0.35:
                draw.rectangle((x + 4, wy, x + w - 4, wy + 4), fill=(*scene.accent, 220))
        x += w + rnd.uniform(2, 18)


def paint_abstract(prompt: str, width: int, height: int, rnd: random.Random) -> Image.Image:
    """The abstract composition for a prompt (RGB, before the brushwork)."""
    scene = scene_for(prompt, rnd.random())
    canvas = _sky((width, height), scene).convert("RGBA")
    horizon = rnd.uniform(0.5, 0.62)
    _sun(canvas, scene, rnd)
    _hills(canvas, scene, rnd, horizon)
    if scene.towers:
        _towers(canvas, scene, rnd, horizon)
    if scene.water:
        _water(canvas, scene, rnd, horizon)
    return canvas.convert("RGB")
