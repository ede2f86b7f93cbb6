"""Generations: per-user rate limit and daily quota, the global limit on running models,
progress reported at each step, and failures recorded with their reason."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, PostError, make_post
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


async def test_a_stuck_run_holds_its_slot_no_longer_than_stale_after(
    tmp_path: Path, db_url: str
) -> None:
    svc = await _services(tmp_path, db_url, max_concurrent=1, stale_after=60)
    try:
        await make_post(svc, Draft("alice", "warm up", seed=1))
        rows = await _generations(svc)
        async with svc.sessions.begin() as session:
            session.add(  # a process stuck two minutes into a generation, still renewing
                Generation(
                    account_id=rows[0].account_id,
                    prompt="stuck",
                    backend="builtin",
                    state="generating",
                    started_at=utcnow() - timedelta(minutes=2),
                    locked_until=utcnow() + timedelta(minutes=10),
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


async def _second_process(svc: Services) -> Services:
    """Services of another process on the same database: its own connections, opened."""
    other = Services.create(svc.settings)
    other._generator = svc._generator
    async with other.sessions() as session, other.reads() as reading:
        await session.execute(select(1))
        await reading.execute(select(1))
    return other


@pytest.mark.parametrize("quota", ["per_user_hourly_limit", "per_user_daily_quota"])
async def test_racing_generations_pass_a_quota_of_one_once(
    tmp_path: Path, db_url: str, quota: str
) -> None:
    limits = {"per_user_hourly_limit": 0, "per_user_daily_quota": 0, quota: 1}
    svc = await _services(tmp_path, db_url, **limits)
    gated = GatedGenerator()
    gated.gate.set()
    svc._generator = gated
    processes = [await _second_process(svc) for _ in range(4)]
    try:
        outcomes = await asyncio.wait_for(
            asyncio.gather(
                *(
                    make_post(each, Draft("alice", f"picture {n}"))
                    for n, each in enumerate(processes)
                ),
                return_exceptions=True,
            ),
            30,
        )
    finally:
        for each in processes:
            await each.close()
    try:
        assert len(await _generations(svc)) == 1
    finally:
        await svc.close()
    refused = [o for o in outcomes if isinstance(o, PostError)]
    assert len(refused) == 3, outcomes
    assert all("the limit here is 1" in str(each) for each in refused)
    assert sum(isinstance(o, Post) for o in outcomes) == 1


async def test_two_processes_never_run_more_models_than_allowed(
    tmp_path: Path, db_url: str
) -> None:
    svc = await _services(tmp_path, db_url, max_concurrent=1)
    gated = GatedGenerator()
    svc._generator = gated
    others = [await _second_process(svc) for _ in range(3)]
    try:
        runs = [
            asyncio.create_task(make_post(each, Draft("alice", f"picture {n}")))
            for n, each in enumerate([svc, *others])
        ]
        await asyncio.wait_for(gated.started.wait(), 10)
        await asyncio.sleep(1.0)  # every other run has tried to start by now
        assert gated.running == 1
        gated.gate.set()
        await asyncio.wait_for(asyncio.gather(*runs), 30)
    finally:
        for each in others:
            await each.close()
        await svc.close()
    assert gated.most_at_once == 1


class FullDisk:
    """Makes the next `times` statements that `matches` raise as a full disk does."""

    def __init__(self, svc: Services, matches: Callable[[str, Any], bool], times: int) -> None:
        self.engine, self.matches, self.times = svc.engine.sync_engine, matches, times
        self.refused: list[str] = []
        event.listen(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if len(self.refused) < self.times and self.matches(statement, parameters):
            self.refused.append(statement)
            raise OperationalError(statement, parameters, OSError("database or disk is full"))

    def clear(self) -> None:
        """Space again."""
        event.remove(self.engine, "before_cursor_execute", self._before)


def _params(parameters: Any) -> list[Any]:
    return list(parameters.values() if isinstance(parameters, dict) else parameters or ())


def _marks_processing(statement: str, parameters: Any) -> bool:
    # Not the start of a run, whose conditions name the running states too.
    return (
        statement.startswith("UPDATE generations SET")
        and "started_at" not in statement
        and "processing" in _params(parameters)
    )


def _stores_the_post(statement: str, parameters: Any) -> bool:
    return statement.startswith("INSERT INTO posts")


@pytest.mark.parametrize(
    "failing", [_marks_processing, _stores_the_post], ids=["marking-processing", "storing-post"]
)
async def test_a_failed_write_after_the_slot_is_taken_releases_it(
    tmp_path: Path, db_url: str, failing: Callable[[str, Any], bool]
) -> None:
    # A lease long enough that only an explicit release can free the slot within the test.
    svc = await _services(tmp_path, db_url, max_concurrent=1, slot_lease=600)
    try:
        full = FullDisk(svc, failing, times=1)
        with pytest.raises(OperationalError, match="disk is full"):
            await make_post(svc, Draft("alice", "a full disk", seed=1))
        assert len(full.refused) == 1
        (row,) = await _generations(svc)
        assert row.state == "failed" and "disk is full" in (row.reason or "")
        assert row.locked_until is None
        seen: list[str] = []
        post = await asyncio.wait_for(
            make_post(svc, Draft("alice", "next", seed=2), lambda s, d: seen.append(d)), 20
        )
        assert post.prompt == "next"
        assert not any("free slot" in detail for detail in seen)
    finally:
        await svc.close()


async def test_a_slot_whose_release_cannot_be_written_frees_itself_in_seconds(
    tmp_path: Path, db_url: str
) -> None:
    svc = await _services(tmp_path, db_url, max_concurrent=1, slot_lease=1)
    try:
        # The disk stays full for every write to generations until the first post gave up.
        # Every write to the row after taking the slot fails, its release included.
        full = FullDisk(
            svc,
            lambda statement, _: (
                statement.startswith("UPDATE generations") and "started_at" not in statement
            ),
            times=1_000,
        )
        with pytest.raises(OperationalError, match="disk is full"):
            await make_post(svc, Draft("alice", "a full disk", seed=1))
        assert len(full.refused) >= 2  # the step after taking the slot, and the release
        full.clear()
        (row,) = await _generations(svc)
        assert row.state == "generating"  # as the failed writes left it
        post = await asyncio.wait_for(make_post(svc, Draft("alice", "next", seed=2)), 20)
        assert post.prompt == "next"
    finally:
        await svc.close()
