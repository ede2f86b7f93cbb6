"""Generations: per-user rate limit and daily quota, the global limit on running models,
progress reported at each step, and failures recorded with their reason."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fedi.accounts import create_user
from fedi.posting import Draft, PostError, make_post
from fedi.services import Services
from fedi.settings import load_settings
from generators.base import GeneratedImage, GenerationError, GenerationRequest
from generators.builtin import BuiltinGenerator
from storage.models import Generation, Post
from storage.timeutil import utcnow
from tests.conftest import _migrate
from tests.support.servers import free_port, write_config


class GatedGenerator:
    """The built-in painter, held at a gate so tests can see who is running when."""

    name = "gated"
    model = "gated-painter"

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.running = 0
        self.most_at_once = 0
        self.started = asyncio.Event()

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.started.set()
        try:
            await self.gate.wait()
            return await BuiltinGenerator().generate(
                GenerationRequest(request.prompt, width=64, height=64, seed=1)
            )
        finally:
            self.running -= 1


class RefusingGenerator:
    """A hosted model whose safety filter says no."""

    name = "refusing"
    model = "cautious-1"

    async def generate(self, request: GenerationRequest) -> GeneratedImage:
        raise GenerationError("the model's safety filter refused the prompt")


async def _services(tmp_path: Path, db_url: str, **generator: object) -> Services:
    path = write_config(
        tmp_path / "config.toml", port=free_port(), database_url=db_url, generator=generator
    )
    settings = load_settings(path)
    await _migrate(settings)
    svc = Services.create(settings)
    await create_user(svc, "alice")
    return svc


@pytest.fixture
async def limited(tmp_path: Path, db_url: str) -> AsyncIterator[Services]:
    svc = await _services(tmp_path, db_url, per_user_hourly_limit=2, per_user_daily_quota=3)
    try:
        yield svc
    finally:
        await svc.close()


async def _generations(svc: Services) -> list[Generation]:
    async with svc.sessions() as session:
        rows = await session.execute(select(Generation).order_by(Generation.id))
        return list(rows.scalars())


async def _post_count(svc: Services) -> int:
    async with svc.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Post))).scalar_one())


async def test_hourly_limit_refuses_before_queueing_and_says_when(limited: Services) -> None:
    await make_post(limited, Draft("alice", "a quiet harbour", seed=1))
    await make_post(limited, Draft("alice", "a loud harbour", seed=2))
    with pytest.raises(
        PostError,
        match=r"2 generations in the last hour.*limit here is 2.*"
        r"try again in (59|60) minutes",
    ):
        await make_post(limited, Draft("alice", "a third harbour"))
    assert [row.state for row in await _generations(limited)] == ["done", "done"]
    assert await _post_count(limited) == 2


async def test_daily_quota_counts_the_last_24_hours(limited: Services) -> None:
    await make_post(limited, Draft("alice", "today's first", seed=1))
    rows = await _generations(limited)
    account_id = rows[0].account_id
    async with limited.sessions.begin() as session:
        for hours in (3, 5):  # earlier today, outside the hourly window
            session.add(
                Generation(
                    account_id=account_id,
                    prompt="earlier",
                    backend="builtin",
                    state="done",
                    created_at=utcnow() - timedelta(hours=hours),
                )
            )
        session.add(
            Generation(  # yesterday: no longer counts
                account_id=account_id,
                prompt="yesterday",
                backend="builtin",
                state="done",
                created_at=utcnow() - timedelta(hours=25),
            )
        )
    with pytest.raises(PostError, match=r"3 generations in the last 24 hours.*try again in"):
        await make_post(limited, Draft("alice", "one too many"))


async def test_no_more_models_run_at_once_than_allowed(tmp_path: Path, db_url: str) -> None:
    svc = await _services(tmp_path, db_url, max_concurrent=1)
    gated = GatedGenerator()
    svc._generator = gated
    seen: list[tuple[str, str, str]] = []
    try:
        first = asyncio.create_task(
            make_post(svc, Draft("alice", "first"), lambda s, d: seen.append(("first", s, d)))
        )
        await asyncio.wait_for(gated.started.wait(), 10)
        second = asyncio.create_task(
            make_post(svc, Draft("alice", "second"), lambda s, d: seen.append(("second", s, d)))
        )
        for _ in range(100):  # until the second says it is waiting for a slot
            if any(who == "second" and "free slot" in detail for who, _, detail in seen):
                break
            await asyncio.sleep(0.05)
        assert ("second", "queued", "waiting for a free slot: other images are being made") in seen
        assert gated.running == 1
        gated.gate.set()
        await asyncio.wait_for(asyncio.gather(first, second), 20)
    finally:
        await svc.close()
    assert gated.most_at_once == 1
    states = [state for who, state, _ in seen if who == "second"]
    assert states == ["queued", "queued", "generating", "processing"]


async def test_a_dead_run_does_not_hold_its_slot_for_ever(tmp_path: Path, db_url: str) -> None:
    svc = await _services(tmp_path, db_url, max_concurrent=1, stale_after=60)
    try:
        await make_post(svc, Draft("alice", "warm up", seed=1))
        rows = await _generations(svc)
        async with svc.sessions.begin() as session:
            session.add(  # a process crashed two minutes into a generation
                Generation(
                    account_id=rows[0].account_id,
                    prompt="crashed",
                    backend="builtin",
                    state="generating",
                    started_at=utcnow() - timedelta(minutes=2),
                )
            )
        post = await asyncio.wait_for(make_post(svc, Draft("alice", "after the crash")), 20)
        assert post.prompt == "after the crash"
    finally:
        await svc.close()


async def test_model_failure_is_recorded_with_its_reason(limited: Services) -> None:
    limited._generator = RefusingGenerator()
    steps: list[str] = []
    with pytest.raises(PostError, match="safety filter refused the prompt"):
        await make_post(limited, Draft("alice", "something awful"), lambda s, d: steps.append(s))
    (row,) = await _generations(limited)
    assert row.state == "failed" and row.reason == "the model's safety filter refused the prompt"
    assert row.finished_at is not None and row.post_id is None
    assert steps == ["queued", "generating"]
    assert await _post_count(limited) == 0


async def test_a_done_generation_points_at_its_post(limited: Services) -> None:
    steps: list[str] = []
    post = await make_post(
        limited, Draft("alice", "a lighthouse", seed=3), lambda s, d: steps.append(s)
    )
    (row,) = await _generations(limited)
    assert (row.state, row.post_id, row.backend, row.model) == (
        "done",
        post.id,
        "builtin",
        post.generator_model,
    )
    assert steps == ["queued", "generating", "processing"]


async def test_an_overlong_prompt_is_refused(limited: Services) -> None:
    with pytest.raises(PostError, match="longer than 10000 characters"):
        await make_post(limited, Draft("alice", "x" * 10_001))
    assert await _generations(limited) == []
