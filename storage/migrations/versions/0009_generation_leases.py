"""generation leases: a running generation holds its slot until locked_until, renewed by its
process, so a killed process frees it within seconds

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Rows running before the upgrade have no lease: their processes (old code) do not renew
    # one, so they no longer hold a slot.
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
