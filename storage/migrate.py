"""Create or upgrade the database schema with Alembic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection) -> Config:
    """An Alembic config bound to an open connection (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the newest)."""
    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: _migrate(sync, command.upgrade, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back down to `revision`, the same careful way as `upgrade`."""
    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: _migrate(sync, command.downgrade, revision))


def _migrate(connection: Connection, step: Callable[[Config, str], None], revision: str) -> None:
    """One transaction; on SQLite with foreign keys off around it, as SQLite's procedure for
    schema changes asks: the only way it drops a constraint is to rebuild the table, and
    dropping the old table with foreign keys on would first delete (ON DELETE CASCADE) every
    row that refers to it. A PRAGMA inside a transaction does nothing, hence the raw
    connection before it begins; the keys are checked before they are on again."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _pragma(connection, "PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            step(alembic_config(connection), revision)
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the migration left rows that refer to nothing")
    finally:
        if sqlite:
            _pragma(connection, "PRAGMA foreign_keys=ON")


def _pragma(connection: Connection, statement: str) -> None:
    """Run a PRAGMA on the DB-API connection itself, outside any transaction."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # the connection is checked out
    cursor = dbapi.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision() -> str | None:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()
