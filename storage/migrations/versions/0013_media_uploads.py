"""media uploads: where a picture came from (uploaded or generated), its focal point, and the
generation that painted an unattached one

Revision ID: 0013
Revises: 0019
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("media_attachments") as batch:
        batch.add_column(sa.Column("origin", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("focus_x", sa.Float(), nullable=True))
        batch.add_column(sa.Column("focus_y", sa.Float(), nullable=True))
        batch.add_column(sa.Column("generation_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("generations") as batch:
        batch.add_column(sa.Column("media_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("seed", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("negative_prompt", sa.Text(), nullable=True))
        batch.add_column(sa.Column("aspect_ratio", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("generations") as batch:
        batch.drop_column("aspect_ratio")
        batch.drop_column("negative_prompt")
        batch.drop_column("seed")
        batch.drop_column("media_id")
    with op.batch_alter_table("media_attachments") as batch:
        batch.drop_column("generation_id")
        batch.drop_column("focus_y")
        batch.drop_column("focus_x")
        batch.drop_column("origin")
