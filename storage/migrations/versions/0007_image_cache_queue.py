"""remote images cached by their own worker: when each is due, and how many tries failed

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
    with op.batch_alter_table("media_attachments") as batch:
        batch.add_column(sa.Column("cache_after", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("cache_attempts", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_index(op.f("ix_media_attachments_cache_after"), "media_attachments", ["cache_after"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_media_attachments_cache_after"), table_name="media_attachments")
    with op.batch_alter_table("media_attachments") as batch:
        batch.drop_column("cache_attempts")
        batch.drop_column("cache_after")
