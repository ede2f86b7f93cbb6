"""account stats: each account's posts, followers and following counted once, kept by triggers

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What each change does to the counts, as statements shared by SQLite's triggers and
# PostgreSQL's trigger functions (NEW and OLD are the row as written and as it was). A post
# counts while not deleted; a follow while accepted. Taking a post away looks for the newest
# remaining one only when it was the newest.
ADD_ACCOUNT = (
    "INSERT INTO account_stats (account_id, statuses_count, followers_count, following_count)"
    " VALUES (NEW.id, 0, 0, 0) ON CONFLICT (account_id) DO NOTHING"
)
ADD_POST = (
    "UPDATE account_stats SET statuses_count = statuses_count + 1, last_status_at = CASE"
    " WHEN last_status_at IS NULL OR last_status_at < NEW.published_at THEN NEW.published_at"
    " ELSE last_status_at END"
    " WHERE account_id = NEW.account_id AND NEW.deleted_at IS NULL"
)
REMOVE_POST = (
    "UPDATE account_stats SET statuses_count = statuses_count - 1, last_status_at = CASE"
    " WHEN last_status_at <= OLD.published_at THEN (SELECT max(p.published_at) FROM posts p"
    " WHERE p.account_id = OLD.account_id AND p.deleted_at IS NULL) ELSE last_status_at END"
    " WHERE account_id = OLD.account_id AND OLD.deleted_at IS NULL"
)


ADD_FOLLOW = (
    "UPDATE account_stats SET"
    " followers_count = followers_count + CASE WHEN account_id = NEW.target_id THEN 1 ELSE 0 END,"
    " following_count = following_count + CASE WHEN account_id = NEW.follower_id THEN 1 ELSE 0 END"
    " WHERE account_id IN (NEW.follower_id, NEW.target_id) AND NEW.state = 'accepted'"
)
REMOVE_FOLLOW = (
    "UPDATE account_stats SET"
    " followers_count = followers_count - CASE WHEN account_id = OLD.target_id THEN 1 ELSE 0 END,"
    " following_count = following_count - CASE WHEN account_id = OLD.follower_id THEN 1 ELSE 0 END"
    " WHERE account_id IN (OLD.follower_id, OLD.target_id) AND OLD.state = 'accepted'"
)

POST_CHANGED = (
    "OLD.deleted_at IS DISTINCT FROM NEW.deleted_at"
    " OR OLD.published_at IS DISTINCT FROM NEW.published_at"
    " OR OLD.account_id IS DISTINCT FROM NEW.account_id"
)
FOLLOW_CHANGED = (
    "OLD.state IS DISTINCT FROM NEW.state OR OLD.follower_id IS DISTINCT FROM NEW.follower_id"
    " OR OLD.target_id IS DISTINCT FROM NEW.target_id"
)

# name: (table, event, WHEN condition or None, statements in order)
TRIGGERS = {
    "account_stats_account_insert": ("accounts", "INSERT", None, [ADD_ACCOUNT]),
    "account_stats_post_insert": ("posts", "INSERT", None, [ADD_POST]),
    "account_stats_post_delete": ("posts", "DELETE", None, [REMOVE_POST]),
    "account_stats_post_update": ("posts", "UPDATE", POST_CHANGED, [REMOVE_POST, ADD_POST]),
    "account_stats_follow_insert": ("follows", "INSERT", None, [ADD_FOLLOW]),
    "account_stats_follow_delete": ("follows", "DELETE", None, [REMOVE_FOLLOW]),
    "account_stats_follow_update": (
        "follows",
        "UPDATE",
        FOLLOW_CHANGED,
        [REMOVE_FOLLOW, ADD_FOLLOW],
    ),
}

accounts = sa.table("accounts", sa.column("id"))
posts = sa.table(
    "posts",
    sa.column("account_id"),
    sa.column("published_at"),
    sa.column("deleted_at"),
)
follows = sa.table("follows", sa.column("follower_id"), sa.column("target_id"), sa.column("state"))
stats = sa.table(
    "account_stats",
    *(
        sa.column(name)
        for name in (
            "account_id",
            "statuses_count",
            "followers_count",
            "following_count",
            "last_status_at",
        )
    ),
)


def upgrade() -> None:
    """The table, every account's counts counted from what is stored, then the triggers that
    keep them (on SQLite, a later migration that rebuilds accounts, posts or follows with a
    batch operation drops their triggers: it must make them again)."""
    op.create_table(
        "account_stats",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("statuses_count", sa.Integer(), nullable=False),
        sa.Column("followers_count", sa.Integer(), nullable=False),
        sa.Column("following_count", sa.Integer(), nullable=False),
        sa.Column("last_status_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_stats_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_stats")),
    )
    conn = op.get_bind()
    _backfill(conn)
    for name, (table, event, when, statements) in TRIGGERS.items():
        if conn.dialect.name == "postgresql":
            _pg_trigger(conn, name, table, event, when, statements)
        else:
            _sqlite_trigger(conn, name, table, event, when, statements)


def _backfill(conn: sa.Connection) -> None:
    posted = (
        sa.select(
            posts.c.account_id,
            sa.func.count().label("n"),
            sa.func.max(posts.c.published_at).label("last"),
        )
        .where(posts.c.deleted_at.is_(None))
        .group_by(posts.c.account_id)
        .subquery()
    )

    def accepted(column: sa.ColumnClause[object]) -> sa.Subquery:
        return (
            sa.select(column.label("account_id"), sa.func.count().label("n"))
            .where(follows.c.state == "accepted")
            .group_by(column)
            .subquery()
        )

    followers, following = accepted(follows.c.target_id), accepted(follows.c.follower_id)
    rows = (
        sa.select(
            accounts.c.id,
            sa.func.coalesce(posted.c.n, 0),
            sa.func.coalesce(followers.c.n, 0),
            sa.func.coalesce(following.c.n, 0),
            posted.c.last,
        )
        .outerjoin(posted, posted.c.account_id == accounts.c.id)
        .outerjoin(followers, followers.c.account_id == accounts.c.id)
        .outerjoin(following, following.c.account_id == accounts.c.id)
    )
    conn.execute(stats.insert().from_select(list(stats.c.keys()), rows))


def _sqlite_trigger(
    conn: sa.Connection, name: str, table: str, event: str, when: str | None, body: list[str]
) -> None:
    condition = f" WHEN {when.replace('IS DISTINCT FROM', 'IS NOT')}" if when else ""
    statements = "".join(f" {statement};" for statement in body)
    conn.exec_driver_sql(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition}"
        f" BEGIN{statements} END"
    )


def _pg_trigger(
    conn: sa.Connection, name: str, table: str, event: str, when: str | None, body: list[str]
) -> None:
    statements = "".join(f" {statement};" for statement in body)
    conn.exec_driver_sql(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN{statements} RETURN NULL; END $$"
    )
    condition = f" WHEN ({when})" if when else ""
    conn.exec_driver_sql(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition}"
        f" EXECUTE FUNCTION {name}()"
    )


def downgrade() -> None:
    """The counts are a cache of what posts and follows hold: nothing is lost."""
    conn = op.get_bind()
    for name, (table, *_) in TRIGGERS.items():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("account_stats")
