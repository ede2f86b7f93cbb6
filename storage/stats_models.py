"""The counts an Account entity shows, kept per account as Mastodon's `account_stats`, so a
page of statuses reads them by primary key instead of counting posts and follows.

The database keeps them right itself: triggers on `accounts`, `posts` and `follows` (made by
migration 0018) change the row in the same statement as the
change they count, whatever wrote it: the ORM, a core INSERT or DELETE, a cascade from a
deleted account, a bulk fill."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .model_base import Base
from .timeutil import UTCDateTime


class AccountStats(Base):
    """Posts not deleted, accepted followers and accepted follows of one account, and when
    its newest post not deleted was published (None: it has none)."""

    __tablename__ = "account_stats"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    statuses_count: Mapped[int] = mapped_column(Integer, default=0)
    followers_count: Mapped[int] = mapped_column(Integer, default=0)
    following_count: Mapped[int] = mapped_column(Integer, default=0)
    last_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
