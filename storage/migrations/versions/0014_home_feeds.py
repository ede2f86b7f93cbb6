"""home feeds: each local account's home timeline precomputed, filled from what is stored

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CAP = 800  # storage.home_feed.CAP when this was written

accounts = sa.table("accounts", sa.column("id"), sa.column("domain"))
follows = sa.table("follows", sa.column("follower_id"), sa.column("target_id"), sa.column("state"))
posts = sa.table("posts", sa.column("id"), sa.column("account_id"), sa.column("deleted_at"))
reactions = sa.table(
    "reactions", sa.column("id"), sa.column("kind"), sa.column("account_id"), sa.column("post_id")
)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    """The feeds' tables, then every local account's feed filled as storage.home_feed.rebuild
    would: the newest CAP posts and boosts of itself and each account it follows, the newest
    CAP of them all kept, complete from where any of them stopped short."""
    op.create_table(
        "home_feed_entries",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("booster_id", sa.BigInteger(), nullable=True),
        _fk("home_feed_entries", "account_id", "accounts"),
        _fk("home_feed_entries", "post_id", "posts"),
        sa.PrimaryKeyConstraint("account_id", "entry_id", name=op.f("pk_home_feed_entries")),
    )
    op.create_index("ix_home_feed_entries_post_id", "home_feed_entries", ["post_id"])
    op.create_table(
        "home_feeds",
        sa.Column("account_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("complete_from", sa.BigInteger(), nullable=False),
        _fk("home_feeds", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_home_feeds")),
    )
    conn = op.get_bind()
    for reader in conn.execute(sa.select(accounts.c.id).where(accounts.c.domain.is_(None))):
        _fill(conn, reader[0])


def _fill(conn: sa.Connection, reader: int) -> None:
    followed = sa.select(follows.c.target_id).where(
        follows.c.follower_id == reader, follows.c.state == "accepted"
    )
    rows: list[dict[str, Any]] = []
    floor = 0
    for owner in [reader, *conn.execute(followed).scalars()]:
        own = conn.execute(
            sa.select(posts.c.id)
            .where(posts.c.account_id == owner, posts.c.deleted_at.is_(None))
            .order_by(posts.c.id.desc())
            .limit(CAP)
        ).all()
        shared = conn.execute(
            sa.select(reactions.c.id, reactions.c.post_id, posts.c.account_id)
            .join(posts, posts.c.id == reactions.c.post_id)
            .where(reactions.c.account_id == owner, reactions.c.kind == "announce")
            .order_by(reactions.c.id.desc())
            .limit(CAP)
        ).all()
        for found in (own, shared):
            if len(found) == CAP:
                floor = max(floor, found[-1][0])
        rows += [dict(entry_id=p, post_id=p, author_id=owner, booster_id=None) for (p,) in own]
        rows += [dict(entry_id=e, post_id=p, author_id=a, booster_id=owner) for e, p, a in shared]
    rows.sort(key=lambda row: row["entry_id"], reverse=True)
    unique = list({row["entry_id"]: row for row in rows}.values())[:CAP]
    if len(unique) == CAP:
        floor = max(floor, unique[-1]["entry_id"])
    if unique:
        table = sa.table(
            "home_feed_entries", *(sa.column(name) for name in (*unique[0], "account_id"))
        )
        conn.execute(table.insert(), [{"account_id": reader, **row} for row in unique])
    if floor:
        feeds = sa.table("home_feeds", sa.column("account_id"), sa.column("complete_from"))
        conn.execute(feeds.insert().values(account_id=reader, complete_from=floor))


def downgrade() -> None:
    """The feeds are a cache of what posts, boosts and follows hold: nothing is lost."""
    op.drop_table("home_feeds")
    op.drop_index("ix_home_feed_entries_post_id", table_name="home_feed_entries")
    op.drop_table("home_feed_entries")
