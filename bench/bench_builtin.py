"""Time per image of the built-in painter (no model, no network), at 1024x1024 and 512x512.

Each size paints the same set of prompt/seed pairs (prompts that reach day, dawn, dusk and night
scenes, with and without water and towers), one image at a time in this process, after one
warm-up image. What is timed is `paint` (PNG bytes out, compress_level 1) and, for comparison,
`BuiltinGenerator.generate` (the same work in a worker thread, as `impasto post` runs it).

    .venv/bin/python bench/bench_builtin.py [--images 20] [--sizes 1024x1024,512x512]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generators.base import GenerationRequest  # noqa: E402
from generators.builtin import BuiltinGenerator, paint  # noqa: E402

PROMPTS = [
    "a red lighthouse on a cliff at dusk",
    "misty mountains at dawn",
    "a quiet harbour at night under the stars",
    "a city skyline at sunset",
    "rolling green hills in spring",
    "a frozen lake in winter",
    "desert dunes at noon",
    "an autumn forest by a river",
    "a neon city at night in the rain",
    "a calm sea under a pale moon",
    "snowy peaks above a valley",
    "a fishing village on a bay",
    "lavender fields in summer",
    "a stormy ocean at twilight",
    "a mountain lake at sunrise",
    "towers of a distant castle",
    "a meadow with a river at golden hour",
    "an island in a turquoise lagoon",
    "a foggy moor in the evening",
    "skyscrapers reflected in a harbour",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def _jobs(images: int) -> list[tuple[str, int]]:
    """`images` prompt/seed pairs: the prompts in turn, a different seed each round."""
    return [(PROMPTS[i % len(PROMPTS)], 1000 + i) for i in range(images)]


def time_paint(jobs: list[tuple[str, int]], width: int, height: int) -> list[float]:
    """Milliseconds per image for `paint` (after one warm-up image)."""
    paint("warm-up", 0, width, height)
    times = []
    for prompt, seed in jobs:
        start = time.perf_counter()
        paint(prompt, seed, width, height)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def time_generator(jobs: list[tuple[str, int]], width: int, height: int) -> list[float]:
    """Milliseconds per image for `BuiltinGenerator.generate` (thread hand-off included)."""
    generator = BuiltinGenerator()
    times = []
    for prompt, seed in jobs:
        start = time.perf_counter()
        await generator.generate(GenerationRequest(prompt, width=width, height=height, seed=seed))
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(label: str, ms: list[float]) -> str:
    return (
        f"  {label:<28} median {statistics.median(ms):6.0f} ms   p95 {_percentile(ms, 0.95):6.0f}"
        f" ms   min {min(ms):6.0f} ms   max {max(ms):6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=20, help="images per size")
    parser.add_argument("--sizes", default="1024x1024,512x512", help="comma-separated WxH")
    args = parser.parse_args()
    jobs = _jobs(args.images)
    print(f"built-in painter: {args.images} prompt/seed pairs per size, one at a time")
    for text in args.sizes.split(","):
        width, height = _size(text)
        painted = time_paint(jobs, width, height)
        generated = asyncio.run(time_generator(jobs, width, height))
        target = " (target: well under 1 s)" if (width, height) == (1024, 1024) else ""
        print(f"{width}x{height}{target}")
        print(_line("paint()", painted))
        print(_line("BuiltinGenerator.generate()", generated))


if __name__ == "__main__":
    main()
