"""conversations: mentions, hashtags, blocks, pins, and indexes for timelines

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(table: str, column: str, target: str) -> list[Any]:
    """A non-null reference that goes with the row it points at (named as the models name it)."""
    return [
        sa.Column(column, sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "mentions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_ref("mentions", "post_id", "posts"),
        *_ref("mentions", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint("post_id", "account_id", name="uq_mentions_post_account"),
    )
    op.create_index("ix_mentions_account_id_id", "mentions", ["account_id", "id"])
    op.create_table(
        "post_tags",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_ref("post_tags", "post_id", "posts"),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_tags")),
        sa.UniqueConstraint("post_id", "name", name="uq_post_tags_post_name"),
    )
    op.create_index("ix_post_tags_name_post_id", "post_tags", ["name", "post_id"])
    op.create_table(
        "blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uri", sa.String(length=2048), nullable=False),
        *_ref("blocks", "account_id", "accounts"),
        *_ref("blocks", "target_id", "accounts"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocks")),
        sa.UniqueConstraint("account_id", "target_id", name="uq_blocks_pair"),
        sa.UniqueConstraint("uri", name=op.f("uq_blocks_uri")),
    )
    op.create_index("ix_blocks_target_id", "blocks", ["target_id"])
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_posts_local_id", "posts", ["local", "id"])
    op.create_index("ix_reactions_account_id_id", "reactions", ["account_id", "id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_reactions_account_id_id", table_name="reactions")
    op.drop_index("ix_posts_local_id", table_name="posts")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("pinned_at")
    op.drop_table("blocks")
    op.drop_table("post_tags")
    op.drop_table("mentions")
