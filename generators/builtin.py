"""The built-in offline painter: deterministic procedural landscapes steered by the prompt.

No model, no key, no network: the first-run experience, and the generator tests rely on.
Same prompt and seed give the same bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import random
import time

from PIL import Image, ImageDraw, ImageFilter

from .base import GeneratedImage, GenerationMetadata, GenerationRequest
from .palette import RGB, Scene, scene_for

MODEL = "impasto-builtin"
VERSION = "1"


def seed_for(prompt: str) -> int:
    """The default seed of a prompt: stable across runs and machines."""
    return int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


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


def _ridge(width: int, base: float, roughness: float, rnd: random.Random) -> list[float]:
    """Midpoint displacement: a natural-looking skyline of hills or mountains."""
    points = [base + rnd.uniform(-roughness, roughness) for _ in range(2)]
    spread = roughness
    while len(points) < 129:
        spread *= 0.55
        refined = []
        for left, right in itertools.pairwise(points):
            refined += [left, (left + right) / 2 + rnd.uniform(-spread, spread)]
        points = [*refined, points[-1]]
    return points


def _hills(canvas: Image.Image, scene: Scene, rnd: random.Random, horizon: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas)
    layers = len(scene.land)
    for index, colour in enumerate(scene.land):
        depth = index / max(1, layers - 1)
        base = height * (horizon - 0.22 + 0.12 * index)
        ridge = _ridge(width, base, height * (0.16 - 0.03 * index), rnd)
        step = width / (len(ridge) - 1)
        outline = [(i * step, y) for i, y in enumerate(ridge)]
        haze = _mix(colour, scene.sky_bottom, 0.55 * (1 - depth))
        draw.polygon([*outline, (width, height), (0, height)], fill=(*haze, 255))


def _water(canvas: Image.Image, scene: Scene, rnd: random.Random, horizon: float) -> None:
    width, height = canvas.size
    top = int(height * (horizon + 0.12))
    reflection = canvas.crop((0, top - (height - top), width, top)).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM
    )
    tint = Image.new("RGBA", reflection.size, (*_mix(scene.sky_top, scene.land[0], 0.4), 150))
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
    colour = _mix(scene.land[-1], (20, 20, 30), 0.3)
    while x < width:
        w = rnd.uniform(0.03, 0.08) * width
        h = rnd.uniform(0.08, 0.3) * height
        draw.rectangle((x, base - h, x + w, base), fill=(*colour, 255))
        for wy in range(int(base - h + 8), int(base - 6), 14):
            if rnd.random() < 0.35:
                draw.rectangle((x + 4, wy, x + w - 4, wy + 4), fill=(*scene.accent, 220))
        x += w + rnd.uniform(2, 18)


def _brushwork(canvas: Image.Image, rnd: random.Random) -> Image.Image:
    """Impasto texture: short strokes that pick up the colour beneath them."""
    width, height = canvas.size
    small = canvas.convert("RGB").resize((64, 64), Image.Resampling.BILINEAR)
    pixels = small.load()
    assert pixels is not None
    strokes = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(strokes)
    for _ in range(2600):
        x, y = rnd.uniform(0, width), rnd.uniform(0, height)
        pixel = pixels[min(63, int(x / width * 64)), min(63, int(y / height * 64))]
        assert isinstance(pixel, tuple)
        r, g, b = pixel[:3]
        shade = rnd.randint(-22, 22)
        length = rnd.uniform(6, 22)
        angle = rnd.uniform(-0.35, 0.35)
        colour = (
            max(0, min(255, r + shade)),
            max(0, min(255, g + shade)),
            max(0, min(255, b + shade)),
            90,
        )
        draw.line((x, y, x + length, y + length * angle), fill=colour, width=rnd.randint(2, 5))
    canvas.alpha_composite(strokes)
    return canvas.filter(ImageFilter.SMOOTH_MORE)


def paint(prompt: str, seed: int, width: int, height: int) -> bytes:
    """Paint the picture and return PNG bytes."""
    rnd = random.Random(f"{seed}:{prompt}")  # noqa: S311 - art, not security
    scene = scene_for(prompt, rnd.random())
    canvas = _sky((width, height), scene).convert("RGBA")
    horizon = rnd.uniform(0.5, 0.62)
    _sun(canvas, scene, rnd)
    _hills(canvas, scene, rnd, horizon)
    if scene.towers:
        _towers(canvas, scene, rnd, horizon)
    if scene.water:
        _water(canvas, scene, rnd, horizon)
    finished = _brushwork(canvas, rnd).convert("RGB")
    out = io.BytesIO()
    finished.save(out, format="PNG", compress_level=1)
    return out.getvalue()


class BuiltinGenerator:
    """The offline painter behind the `Generator` interface."""

    name = "builtin"
    model = MODEL

    def __init__(self) -> None:
        """The built-in painter takes no options."""

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Paint one image (in a worker thread: this is CPU work)."""
        seed = request.seed if request.seed is not None else seed_for(request.prompt)
        width = max(64, min(2048, request.width))
        height = max(64, min(2048, request.height))
        start = time.perf_counter()
        data = await asyncio.to_thread(paint, request.prompt, seed, width, height)
        metadata = GenerationMetadata(
            backend=self.name,
            model=MODEL,
            version=VERSION,
            seed=seed,
            elapsed_s=time.perf_counter() - start,
            request_id=None,
        )
        return GeneratedImage(data, "image/png", metadata)
