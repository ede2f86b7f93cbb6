"""instance settings: the admins' overrides of config.toml (description, rules, quota,
registrations), a reason kept with each blocked domain, and an admin's suspension of a
local user (accounts.suspended_since), apart from deletion (accounts.suspended_at)

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "instance_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_instance_settings")),
    )
    with op.batch_alter_table("domain_blocks") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    # Plain ALTER TABLE (no batch): a batch rebuild of accounts on SQLite would drop the
    # account_stats triggers 0018 put on it.
    op.add_column("accounts", sa.Column("suspended_since", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("accounts", "suspended_since")  # SQLite 3.35+ drops a column in place
    with op.batch_alter_table("domain_blocks") as batch:
        batch.drop_column("reason")
    op.drop_table("instance_settings")
