"""Migration 0023: the remote accounts an instance stored before it copied avatars get their
avatar queued for a copy on upgrade (none for a local account, one without an avatar, or a
deleted one); going back down drops the queue and the copies' columns."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, inspect, select

from storage.db import create_engine
from storage.migrate import downgrade, upgrade
from storage.models import Account, AccountImageFetch


def _account(
    n: int, domain: str | None, icon: str | None, deleted: datetime | None = None
) -> dict[str, object]:
    uri = f"http://{domain or 'here.test'}/users/u{n}"
    return {
        "id": n,
        "uri": uri,
        "username": f"u{n}",
        "domain": domain,
        "icon_url": icon,
        "inbox_url": f"{uri}/inbox",
        "public_key_id": f"{uri}#main-key",
        "public_key_pem": "pem",
        "suspended_at": deleted,
    }


async def test_upgrading_queues_the_known_remote_avatars(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0022")
        gone = datetime(2026, 3, 1, tzinfo=UTC)
        rows = [
            _account(1, None, "http://here.test/media/a.webp"),  # ours: nothing to copy
            _account(2, "remote.test", "http://cdn.remote.test/avatars/2.png"),
            _account(3, "remote.test", None),  # no avatar
            _account(4, "remote.test", "http://remote.test/4.png", deleted=gone),
            _account(5, "other.test", "http://other.test/5.png"),
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(Account.__table__), rows)
        await upgrade(engine)
        async with engine.connect() as conn:
            stmt = select(
                AccountImageFetch.account_id,
                AccountImageFetch.kind,
                AccountImageFetch.remote_url,
                AccountImageFetch.state,
                AccountImageFetch.attempts,
            ).order_by(AccountImageFetch.account_id)
            queued = [tuple(row) for row in await conn.execute(stmt)]
            ids = list((await conn.execute(select(AccountImageFetch.id))).scalars())
        assert queued == [
            (2, "avatar", "http://cdn.remote.test/avatars/2.png", "pending", 0),
            (5, "avatar", "http://other.test/5.png", "pending", 0),
        ]
        assert len(set(ids)) == 2

        await downgrade(engine, "0022")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            columns = await conn.run_sync(lambda c: inspect(c).get_columns("accounts"))
        assert "account_image_fetches" not in tables
        assert not {"avatar_file", "header_file"} & {column["name"] for column in columns}
    finally:
        await engine.dispose()
