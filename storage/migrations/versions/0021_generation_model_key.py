"""generation model key: which of the models offered ([generator] as "main", or a key of
[generator.models]) a generation was asked of, so it paints with that one and "paint again"
asks it again

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ALTER TABLE: generations carries no trigger, and rows from before have no key
    # (they were painted by the one model there was, "main").
    op.add_column("generations", sa.Column("model_key", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("generations", "model_key")  # SQLite 3.35+ drops a column in place
