"""Our own work per post, excluding the model: 1024x1024 image in, post + deliveries stored.

The generator is replaced by one that hands back a pre-painted 1024x1024 PNG instantly (what a
hosted model returns), so the time measured is Impasto's: decode and check the image, re-encode it
as WebP with XMP provenance, blurhash, write the file, and store post, media, Create and one
delivery row per shared inbox of the author's followers, in one transaction.

    .venv/bin/python bench/bench_post.py [--posts 30] [--followers 1000] [--inboxes 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_fanout import _seed  # noqa: E402
from fedi.core.services import Services  # noqa: E402
from fedi.core.settings import Settings  # noqa: E402
from fedi.domain.posting import Draft, make_post  # noqa: E402
from fedi.media.pipeline import Provenance, process_image  # noqa: E402
from generators.base import GeneratedImage, GenerationMetadata, GenerationRequest  # noqa: E402
from generators.builtin import paint  # noqa: E402


class Pregenerated:
    """A generator that returns the same PNG at once, so only our own work is timed."""

    name = "bench"
    model = "pregenerated"

    def __init__(self, png: bytes) -> None:
        self.png = png

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Hand back the prepared image."""
        meta = GenerationMetadata("bench", "pregenerated", None, request.seed, 0.0, None)
        return GeneratedImage(data=self.png, media_type="image/png", metadata=meta)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(posts: int, followers: int, inboxes: int) -> None:
    png = paint("a lighthouse on a cliff at sunset", 7, 1024, 1024)
    provenance = Provenance(model="pregenerated", backend="bench", prompt="a lighthouse", seed=7)
    media_times = []
    for _ in range(posts):
        start = time.perf_counter()
        process_image(png, provenance=provenance)
        media_times.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate(
            {
                "instance": {"url": "http://127.0.0.1:9"},
                "database": {"url": f"sqlite+aiosqlite:///{tmp}/bench.db"},
                "media": {"dir": f"{tmp}/media"},
                "generator": {"per_user_hourly_limit": 0, "per_user_daily_quota": 0},
            }
        )
        svc = Services.create(settings)
        try:
            await _seed(svc, "http://127.0.0.1:9", followers, inboxes)
            svc._generator = Pregenerated(png)
            times = []
            for i in range(posts):
                start = time.perf_counter()
                await make_post(svc, Draft("alice", f"a lighthouse, take {i}"))
                times.append(time.perf_counter() - start)
        finally:
            await svc.close()
    ms = [t * 1000 for t in times]
    media_ms = [t * 1000 for t in media_times]
    print(
        f"posts: {posts}  followers: {followers} on {inboxes} shared inboxes  image: 1024x1024 PNG"
    )
    print(f"image processing alone: median {statistics.median(media_ms):.0f} ms")
    print(
        f"own work per post: median {statistics.median(ms):.0f} ms, "
        f"p95 {_percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms (target <= 150 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--followers", type=int, default=1_000)
    parser.add_argument("--inboxes", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.posts, args.followers, args.inboxes))


if __name__ == "__main__":
    main()
