"""accounts by actor id: two remote actors may share a name; a local name is taken once

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCAL = sa.text("domain IS NULL")


def upgrade() -> None:
    """Drop the (username, domain) key, under which Lemmy's user and community of one name
    could not both arrive (remote accounts stay unique by uri); local names get a key of
    their own. On SQLite the table is rebuilt (storage.migrate turns foreign keys off for it,
    so that dropping the old table deletes nothing that refers to it)."""
    with op.batch_alter_table("accounts") as batch:
        batch.drop_constraint("uq_accounts_username_domain", type_="unique")
    op.create_index(
        "ix_accounts_local_username",
        "accounts",
        ["username"],
        unique=True,
        sqlite_where=LOCAL,
        postgresql_where=LOCAL,
    )


def downgrade() -> None:
    """Fails where one server gave two actors one name: remove one of them first."""
    op.drop_index("ix_accounts_local_username", table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        batch.create_unique_constraint("uq_accounts_username_domain", ["username", "domain"])
