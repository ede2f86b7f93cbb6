"""local accounts restored: rows a fetch of our own actor URL had stored over as remote, and
the local follows that were left pending by it

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
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
    # The Follow that did it was never taken (it came to an account that looked remote): a
    # local follow of an account that takes followers at once is accepted now; one of a
    # locked account stays a request, listed for approval.
    follows = sa.table(
        "follows", sa.column("follower_id"), sa.column("target_id"), sa.column("state")
    )
    local = sa.table(
        "accounts",
        sa.column("id", sa.BigInteger()),
        sa.column("domain", sa.String()),
        sa.column("manually_approves_followers", sa.Boolean()),
    )
    follower = sa.select(local.c.id).where(local.c.domain.is_(None))
    open_target = follower.where(local.c.manually_approves_followers.is_(sa.false()))
    op.execute(
        follows.update()
        .where(
            follows.c.state == "pending",
            follows.c.follower_id.in_(follower),
            follows.c.target_id.in_(open_target),
        )
        .values(state="accepted")
    )


def downgrade() -> None:
    """Nothing to undo: the rows it repaired were broken."""
