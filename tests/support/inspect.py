"""Reading a test instance's database from the test process."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.services import Services
from fedi.settings import load_settings

T = TypeVar("T")


def query(config: Path, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a session on the instance's database and return its result."""

    async def run() -> T:
        svc = Services.create(load_settings(config))
        try:
            async with svc.sessions() as session:
                return await work(session)
        finally:
            await svc.close()

    return asyncio.run(run())
