"""Migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base


async def test_upgrade_from_empty_matches_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        await upgrade(engine)  # running it again is harmless
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert diff == []
    finally:
        await engine.dispose()


async def test_local_accounts_stored_over_as_remote_are_restored(db_url: str) -> None:
    """Migration 0010: a local account that a fetch of our own actor URL had made remote (it
    keeps its private key) is local again, and a local follow of it left pending is accepted
    unless it is locked; remote accounts and follows of them stay as they are."""
    ours = "127.0.0.1:8010"
    accounts = [  # name, domain, private key, locked
        ("alice", None, "private", False),
        ("zed", ours, "private", False),  # made remote by alice's follow
        ("carol", ours, "private", True),  # the same, a locked account
        ("mallory", "remote.example", None, False),
    ]
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0009")
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            for n, (name, domain, key, locked) in enumerate(accounts, start=1):
                base = f"http://{domain or ours}/users/{name}"
                await conn.execute(
                    text(
                        "INSERT INTO accounts (id, uri, username, domain, actor_type,"
                        " display_name, summary, inbox_url, public_key_id, public_key_pem,"
                        " private_key_pem, manually_approves_followers, discoverable,"
                        " created_at, updated_at, fetched_at) VALUES (:id, :uri, :name,"
                        " :domain, 'Person', '', '', :inbox, :key_id, 'pem', :key, :locked,"
                        " true, :now, :now, :fetched)"
                    ),
                    {
                        "id": n,
                        "uri": base,
                        "name": name,
                        "domain": domain,
                        "inbox": f"{base}/inbox",
                        "key_id": f"{base}#main-key",
                        "key": key,
                        "locked": locked,
                        "now": now,
                        "fetched": now if domain else None,
                    },
                )
                if n > 1:  # alice asked to follow each of the others
                    await conn.execute(
                        text(
                            "INSERT INTO follows (id, uri, follower_id, target_id, state,"
                            " created_at) VALUES (:id, :uri, 1, :id, 'pending', :now)"
                        ),
                        {"id": n, "uri": f"http://{ours}/f/{n}", "now": now},
                    )
        await upgrade(engine)
        async with engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT username, domain, fetched_at IS NULL, follows.state FROM accounts"
                    " LEFT JOIN follows ON follows.target_id = accounts.id ORDER BY accounts.id"
                )
            )
            assert [tuple(row) for row in found] == [
                ("alice", None, True, None),
                ("zed", None, True, "accepted"),
                ("carol", None, True, "pending"),
                ("mallory", "remote.example", False, "pending"),
            ]
    finally:
        await engine.dispose()


async def test_rebuilding_accounts_keeps_every_row_that_refers_to_them(db_url: str) -> None:
    """Migration 0011 drops a constraint of accounts, which SQLite can only do by rebuilding
    the table: the rows of other tables that refer to accounts (with ON DELETE CASCADE) must
    survive, and foreign keys be enforced again afterwards."""
    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0010")
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            for n in (1, 2):
                await conn.execute(
                    text(
                        "INSERT INTO accounts (id, uri, username, domain, actor_type,"
                        " display_name, summary, inbox_url, public_key_id, public_key_pem,"
                        " manually_approves_followers, discoverable, created_at, updated_at)"
                        " VALUES (:id, :uri, :name, NULL, 'Person', '', '', :inbox, :key_id,"
                        " 'pem', false, true, :now, :now)"
                    ),
                    {
                        "id": n,
                        "uri": f"http://127.0.0.1/users/u{n}",
                        "name": f"u{n}",
                        "inbox": f"http://127.0.0.1/users/u{n}/inbox",
                        "key_id": f"http://127.0.0.1/users/u{n}#main-key",
                        "now": now,
                    },
                )
            await conn.execute(
                text(
                    "INSERT INTO follows (id, uri, follower_id, target_id, state, created_at)"
                    " VALUES (1, 'http://127.0.0.1/f/1', 1, 2, 'accepted', :now)"
                ),
                {"now": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO posts (id, uri, account_id, local, visibility, content_html,"
                    " caption, spoiler_text, sensitive, published_at) VALUES (1,"
                    " 'http://127.0.0.1/users/u1/statuses/1', 1, true, 'public', '', '', '',"
                    " false, :now)"
                ),
                {"now": now},
            )
        await upgrade(engine)
        async with engine.connect() as conn:
            for table in ("accounts", "follows", "posts"):
                count = await conn.scalar(text(f"SELECT count(*) FROM {table}"))
                assert count == (2 if table == "accounts" else 1), table
            if engine.dialect.name == "sqlite":
                assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
        async with engine.begin() as conn:  # the foreign keys still cascade
            await conn.execute(text("DELETE FROM accounts WHERE id = 1"))
            assert await conn.scalar(text("SELECT count(*) FROM posts")) == 0
            assert await conn.scalar(text("SELECT count(*) FROM follows")) == 0
    finally:
        await engine.dispose()
