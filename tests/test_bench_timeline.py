"""bench/bench_timeline.py keeps working: a tiny fill, then every case times real pages."""

from __future__ import annotations

from bench.bench_timeline import bench
from bench.timeline_fill import Shape

TINY = Shape(
    accounts=60,
    posts=3_000,
    local_accounts=5,
    follows=(5, 20),
    quiet=2,
    boosts=300,
    likes=300,
    seed=1,
)


async def test_tiny_run_times_full_pages_of_every_timeline(db_url: str) -> None:
    filled, results = await bench(db_url, TINY, reps=3, budget=0.0, depths=(1, 3))

    assert filled.counts["accounts"] == 60
    assert filled.counts["posts"] == 3_000
    assert filled.counts["reactions"] > 500
    home = {(r.viewer, r.page): r for r in results if r.timeline == "home"}
    viewers = ("follows 5", "follows 20", "2 quiet")
    assert set(home) == {(viewer, page) for viewer in viewers for page in (1, 3)}
    assert {r.timeline for r in results} >= {"home", "local", "federated"}
    for result in results:
        assert result.rows == 20, result  # a page three down is still a full page
        assert len(result.times) >= 3
        assert 0 < result.p50 <= result.p99
