"""bookmarks: posts a local user saved for later

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_bookmarks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_bookmarks_post_id_posts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookmarks")),
        sa.UniqueConstraint("account_id", "post_id", name="uq_bookmarks_once"),
    )
    op.create_index("ix_bookmarks_account_id_id", "bookmarks", ["account_id", "id"])
    op.create_index(op.f("ix_bookmarks_post_id"), "bookmarks", ["post_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_bookmarks_post_id"), table_name="bookmarks")
    op.drop_index("ix_bookmarks_account_id_id", table_name="bookmarks")
    op.drop_table("bookmarks")
