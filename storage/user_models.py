"""Rows of one user's own settings that the client API reads: reading positions (markers),
and the servers a user hides from themselves (not the instance's blocks: `DomainBlock`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .model_base import Base, _id, _ts


class Marker(Base):
    """Where a user stopped reading a timeline (`home` or `notifications`), saved by an app
    so another app carries on from there (docs.joinmastodon.org/entities/Marker)."""

    __tablename__ = "markers"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    timeline: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_read_id: Mapped[str] = mapped_column(String(64))
    # Bumped on every save; Mastodon apps compare it to notice another app moved the marker.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = _ts()


class AccountDomainBlock(Base):
    """A server one user blocks for themselves (Mastodon's account domain block): nothing
    from it reaches them, and follows with its accounts end; others here are not touched."""

    __tablename__ = "account_domain_blocks"
    __table_args__ = (UniqueConstraint("account_id", "domain"),)

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = _ts()
