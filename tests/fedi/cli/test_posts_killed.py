"""A killed `impasto post` gives its generation slot back: at once when asked to stop (SIGTERM,
as Ctrl-C), within seconds when it cannot clean up (SIGKILL), never after `stale_after`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from fedi.core.settings import load_settings
from storage.db import create_engine, session_factory
from storage.models import Generation
from tests.support.servers import run_cli, wait_for, write_config

# A third-party backend that takes an hour: it keeps `impasto post` in "generating".
SLOW_MODULE = "impasto_slow_backend"
SLOW_SOURCE = """
import asyncio


class SlowGenerator:
    name = "slow"
    model = "slow-1"

    async def generate(self, request):
        await asyncio.sleep(3600)
        raise AssertionError("never finishes")
"""
STALE_AFTER = 900.0


@pytest.fixture
def slow_backend(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a process in which the `slow` backend is installed."""
    plugins = tmp_path / "plugins"
    dist_info = plugins / "impasto_slow_backend-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (plugins / f"{SLOW_MODULE}.py").write_text(SLOW_SOURCE)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: impasto-slow-backend\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[impasto.generators]\nslow = {SLOW_MODULE}:SlowGenerator\n"
    )
    path = os.pathsep.join(p for p in (str(plugins), os.environ.get("PYTHONPATH")) if p)
    yield {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}


@dataclass
class Instance:
    """One database, and a config per backend: `slow` paints for an hour, `builtin` at once."""

    slow: Path
    fast: Path

    def post(self, env: dict[str, str], config: Path, prompt: str) -> subprocess.Popen[str]:
        """Start `impasto post alice PROMPT`."""
        return subprocess.Popen(
            [sys.executable, "-m", "fedi.cli", "--config", str(config), "post", "alice", prompt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def rows(self) -> list[Generation]:
        """The generation rows, oldest first."""
        return asyncio.run(_rows(load_settings(self.fast).database.url))


async def _rows(url: str) -> list[Generation]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            result = await session.execute(select(Generation).order_by(Generation.created_at))
            return list(result.scalars())
    finally:
        await engine.dispose()


def _instance(tmp_path: Path, db_url: str, **generator: object) -> Instance:
    settings = {"stale_after": STALE_AFTER, **generator}
    configs = {
        backend: write_config(
            tmp_path / f"{backend}.toml",
            port=9,
            database_url=db_url,
            generator={"backend": backend, **settings},
            media={"dir": str(tmp_path / "media")},
        )
        for backend in ("slow", "builtin")
    }
    run_cli(configs["builtin"], "init")
    run_cli(configs["builtin"], "user", "create", "alice")
    return Instance(configs["slow"], configs["builtin"])


def _generating(instance: Instance, count: int, *running: subprocess.Popen[str]) -> bool:
    for process in running:
        if process.poll() is not None:
            raise AssertionError(f"impasto post exited early: {process.communicate()}")
    return sum(row.state == "generating" for row in instance.rows()) == count


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


@pytest.mark.parametrize(
    ("stop", "said"),
    [(signal.SIGTERM, "impasto: stopped by SIGTERM"), (signal.SIGINT, "impasto: interrupted")],
    ids=["SIGTERM", "Ctrl-C"],
)
def test_a_stopped_post_exits_cleanly_and_frees_its_slot_at_once(
    tmp_path: Path, db_url: str, slow_backend: dict[str, str], stop: signal.Signals, said: str
) -> None:
    # The lease is long: only the process's own release can free the slot in time.
    instance = _instance(tmp_path, db_url, max_concurrent=1, slot_lease=600)
    painting = instance.post(slow_backend, instance.slow, "a long night")
    try:
        wait_for(lambda: _generating(instance, 1, painting), timeout=60)
        painting.send_signal(stop)
        _, err = painting.communicate(timeout=30)
    finally:
        _stop(painting)
    assert painting.returncode == 128 + stop, err
    assert said in err
    assert "Traceback" not in err
    (row,) = instance.rows()
    assert row.state == "failed" and "interrupted" in (row.reason or "")
    assert row.locked_until is None

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "fedi.cli", "--config", str(instance.fast), "post", "alice", "dawn"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "free slot" not in done.stderr
    assert time.monotonic() - started < 60


def test_posts_killed_with_sigkill_free_their_slots_within_seconds(
    tmp_path: Path, db_url: str, slow_backend: dict[str, str]
) -> None:
    instance = _instance(tmp_path, db_url, max_concurrent=2, slot_lease=2)
    painting = [instance.post(slow_backend, instance.slow, f"night {n}") for n in range(2)]
    try:
        wait_for(lambda: _generating(instance, 2, *painting), timeout=60)
        for each in painting:
            each.kill()  # no chance to clean up: both slots stay taken until their leases end
    finally:
        for each in painting:
            _stop(each)
    assert _generating(instance, 2)

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "fedi.cli", "--config", str(instance.fast), "post", "alice", "dawn"],
        capture_output=True,
        text=True,
        timeout=60,  # far below stale_after (900 s), which is all the old code had
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:9/")
    assert time.monotonic() - started < 45
    assert [row.state for row in instance.rows()] == ["generating", "generating", "done"]
