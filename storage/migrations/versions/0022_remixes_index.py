"""remixes index: a post's page lists its newest remixes by remix_of_uri (now remote ones
too), without reading every post

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REMIXES = sa.text("remix_of_uri IS NOT NULL")


def upgrade() -> None:
    """Upgrade schema."""
    # Partial: most posts remix nothing. (A plain CREATE INDEX; posts' triggers are untouched.)
    op.create_index(
        "ix_posts_remix_of_uri_id",
        "posts",
        ["remix_of_uri", "id"],
        sqlite_where=REMIXES,
        postgresql_where=REMIXES,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_posts_remix_of_uri_id", table_name="posts")
