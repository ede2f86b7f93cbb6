"""account pictures: remote actors' avatars and headers copied here (accounts.avatar_file,
header_file) by the image worker, queued as account_image_fetches rows; the avatars of the
remote accounts known already are queued at once

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

accounts = sa.table(
    "accounts",
    sa.column("id", sa.BigInteger()),
    sa.column("domain", sa.String()),
    sa.column("icon_url", sa.String()),
    sa.column("suspended_at", sa.DateTime(timezone=True)),
)
fetches = sa.table(
    "account_image_fetches",
    sa.column("id", sa.BigInteger()),
    sa.column("account_id", sa.BigInteger()),
    sa.column("kind", sa.String()),
    sa.column("remote_url", sa.String()),
    sa.column("state", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ALTER TABLE (no batch): a batch rebuild of accounts on SQLite would drop the
    # account_stats triggers (0018).
    op.add_column("accounts", sa.Column("avatar_file", sa.String(length=255), nullable=True))
    op.add_column("accounts", sa.Column("header_file", sa.String(length=255), nullable=True))
    op.create_table(
        "account_image_fetches",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("remote_url", sa.String(length=2048), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_image_fetches_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_image_fetches")),
        sa.UniqueConstraint("account_id", "kind", name="uq_account_image_fetches_account_kind"),
    )
    op.create_index(
        "ix_account_image_fetches_due", "account_image_fetches", ["state", "next_attempt_at"]
    )
    _queue_known_avatars()


def _queue_known_avatars() -> None:
    """The remote accounts stored before kept their avatar's URL only (not their header's):
    queue a copy of each, as a refresh of the actor would."""
    bind = op.get_bind()
    found = bind.execute(
        sa.select(accounts.c.id, accounts.c.icon_url).where(
            accounts.c.domain.is_not(None),
            accounts.c.icon_url.is_not(None),
            accounts.c.suspended_at.is_(None),
        )
    ).all()
    now = datetime.now(UTC)
    # Ids as storage.ids makes them (milliseconds, then 16 more bits), one after another.
    first = int(now.timestamp() * 1000) << 16
    rows = [
        {
            "id": first + n,
            "account_id": account_id,
            "kind": "avatar",
            "remote_url": url,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for n, (account_id, url) in enumerate(found)
    ]
    for start in range(0, len(rows), 1000):
        bind.execute(fetches.insert(), rows[start : start + 1000])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_account_image_fetches_due", table_name="account_image_fetches")
    op.drop_table("account_image_fetches")
    op.drop_column("accounts", "header_file")  # SQLite 3.35+ drops a column in place
    op.drop_column("accounts", "avatar_file")
