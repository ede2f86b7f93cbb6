"""The built-in offline painter: deterministic pictures of what the prompt names.

No model, no key, no network: the first-run experience, and the generator tests rely on.
It reads the prompt's subjects, colours, time of day and weather (`prompt`) and paints them
with Pillow shapes (`scene`); a prompt that names nothing it knows gets an abstract composition
(`abstract`). Same prompt and seed give the same bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import time

from PIL import Image, ImageDraw, ImageFilter

from .abstract import paint_abstract
from .base import GeneratedImage, GenerationMetadata, GenerationRequest
from .prompt import read_prompt
from .scene import paint_scene

# Named plainly: it travels as the post's "Made with …" line and its provenance (XMP, C2PA).
MODEL = "Impasto built-in painter"
VERSION = "2"


def seed_for(prompt: str) -> int:
    """The default seed of a prompt: stable across runs and machines."""
    return int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16)


def _brushwork(canvas: Image.Image, rnd: random.Random) -> Image.Image:
    """Impasto texture: short strokes that pick up the colour beneath them."""
    width, height = canvas.size
    small = canvas.resize((64, 64), Image.Resampling.BILINEAR)
    pixels = small.load()
    assert pixels is not None
    draw = ImageDraw.Draw(canvas, "RGBA")  # blends each stroke into the picture
    scale = max(0.3, min(width, height) / 1024)  # strokes as fine on a thumbnail as on a poster
    for _ in range(max(160, round(2600 * width * height / 1024**2))):  # same density at any size
        x, y = rnd.uniform(0, width), rnd.uniform(0, height)
        pixel = pixels[min(63, int(x / width * 64)), min(63, int(y / height * 64))]
        assert isinstance(pixel, tuple)
        r, g, b = pixel[:3]
        shade = rnd.randint(-22, 22)
        length = rnd.uniform(6, 22) * scale
        angle = rnd.uniform(-0.35, 0.35)
        colour = (
            max(0, min(255, r + shade)),
            max(0, min(255, g + shade)),
            max(0, min(255, b + shade)),
            90,
        )
        thickness = max(1, round(rnd.randint(2, 5) * scale))
        draw.line((x, y, x + length, y + length * angle), fill=colour, width=thickness)
    return canvas.filter(ImageFilter.SMOOTH_MORE)


def paint(prompt: str, seed: int, width: int, height: int) -> bytes:
    """Paint the picture and return PNG bytes."""
    rnd = random.Random(f"{seed}:{prompt}")  # noqa: S311 - art, not security
    reading = read_prompt(prompt)
    if reading.abstract:
        finished = _brushwork(paint_abstract(prompt, width, height, rnd), rnd)
    else:
        stage = paint_scene(reading, width, height, rnd)
        finished = _brushwork(stage.image, rnd)
        stage.draw_lights(finished)
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
