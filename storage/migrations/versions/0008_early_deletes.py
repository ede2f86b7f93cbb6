"""early deletes: Deletes that overtook their Create, so the late Create is not stored

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "early_deletes",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_deletes")),
        sa.UniqueConstraint("uri", name=op.f("uq_early_deletes_uri")),
    )
    op.create_index(op.f("ix_early_deletes_created_at"), "early_deletes", ["created_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_early_deletes_created_at"), table_name="early_deletes")
    op.drop_table("early_deletes")
