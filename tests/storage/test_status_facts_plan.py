"""The page's facts statement (storage.status_facts) is answered by index lookups on SQLite:
every branch of the union reads by its key, none scans a table (a scan of reactions or posts
costs hundreds of milliseconds at a million posts, on every home request)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from fedi.core.services import Services
from storage import status_facts
from storage.db import is_sqlite


async def test_every_branch_of_the_facts_union_reads_by_its_key(svc: Services) -> None:
    if not is_sqlite(svc.settings.database.url):
        pytest.skip("PostgreSQL plans by its statistics: an empty table is best scanned")
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(svc.read_engine.sync_engine, "before_cursor_execute", keep)
    try:
        async with svc.reads() as session:
            await status_facts.page_facts(
                session, 1, [1, 2], ["https://a.example/1"], ["https://a.example/0"], [3], [4, 5]
            )
    finally:
        event.remove(svc.read_engine.sync_engine, "before_cursor_execute", keep)
    statement, parameters = next(item for item in seen if "UNION ALL" in item[0])
    async with svc.reads() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        cursor = await raw.driver_connection.execute(  # type: ignore[union-attr]
            f"EXPLAIN QUERY PLAN {statement}", parameters
        )
        plan = [row[-1] for row in await cursor.fetchall()]
    assert not [step for step in plan if step.startswith("SCAN")], plan
