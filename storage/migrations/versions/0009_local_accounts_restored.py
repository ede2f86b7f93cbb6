"""local accounts restored: rows a fetch of our own actor URL had stored over as remote

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

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
    """Make local again every account that holds a private key but was given a domain.

    Following `user@ourhost` fetched our own actor document and stored it over the local row
    as a remote actor (its domain set, so the account was not found any more). Only local
    accounts ever hold a private key, and the fetched copy was our own document, so clearing
    the domain (and the time it was fetched) gives the account back as it was."""
    accounts = sa.table(
        "accounts",
        sa.column("domain", sa.String()),
        sa.column("fetched_at", sa.DateTime(timezone=True)),
        sa.column("private_key_pem", sa.Text()),
    )
    op.execute(
        accounts.update()
        .where(accounts.c.private_key_pem.is_not(None), accounts.c.domain.is_not(None))
        .values(domain=None, fetched_at=None)
    )


def downgrade() -> None:
    """Nothing to undo: the rows it repaired were broken."""
