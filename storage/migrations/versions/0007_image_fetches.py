"""image fetches: remote images copied by their own worker, as durable work with states

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "image_fetches",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("media_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_attachments.id"],
            name=op.f("fk_image_fetches_media_id_media_attachments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_image_fetches")),
        sa.UniqueConstraint("media_id", name=op.f("uq_image_fetches_media_id")),
    )
    op.create_index("ix_image_fetches_due", "image_fetches", ["state", "next_attempt_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_image_fetches_due", table_name="image_fetches")
    op.drop_table("image_fetches")
