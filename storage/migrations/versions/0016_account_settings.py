"""account settings: header, profile fields and posting defaults; markers; own domain blocks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_COLUMNS = (
    "header_url",
    "profile_fields",
    "default_privacy",
    "default_sensitive",
    "default_language",
)


def upgrade() -> None:
    """A user's header picture, profile metadata and posting defaults; the markers and the
    user's own domain blocks."""
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("header_url", sa.String(length=2048), nullable=True))
        batch.add_column(
            sa.Column("profile_fields", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column(
                "default_privacy", sa.String(length=16), nullable=False, server_default="public"
            )
        )
        batch.add_column(
            sa.Column("default_sensitive", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("default_language", sa.String(length=16), nullable=False, server_default="")
        )
    op.create_table(
        "markers",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("timeline", sa.String(length=32), nullable=False),
        sa.Column("last_read_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_markers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "timeline", name=op.f("pk_markers")),
    )
    op.create_table(
        "account_domain_blocks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_domain_blocks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_domain_blocks")),
        sa.UniqueConstraint(
            "account_id", "domain", name=op.f("uq_account_domain_blocks_account_id")
        ),
    )


def downgrade() -> None:
    """Drop the tables and the account columns (their values are lost)."""
    op.drop_table("account_domain_blocks")
    op.drop_table("markers")
    with op.batch_alter_table("accounts") as batch:
        for column in ACCOUNT_COLUMNS:
            batch.drop_column(column)
