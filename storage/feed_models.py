"""The precomputed home feeds of local accounts (storage.home_feed writes them, and
storage.home_reads reads a page of one as one index range scan).

As Mastodon's Redis feeds: one row per entry of a local reader's home timeline (a post, or a
boost of one), kept up to a cap per reader; older pages are read from the posts themselves."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from .model_base import Base


class HomeFeedEntry(Base):
    """An entry of `account_id`'s home: `entry_id` is its keyset position as the home timeline
    pages it (the post's id, or the boost's Reaction id); `booster_id` is set for a boost."""

    __tablename__ = "home_feed_entries"
    __table_args__ = (Index("ix_home_feed_entries_post_id", "post_id"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    entry_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigInteger)
    booster_id: Mapped[int | None] = mapped_column(BigInteger)


class HomeFeed(Base):
    """How far down a reader's feed is complete: it holds every home entry with an id of at
    least `complete_from` (a reader without a row: every entry). Raised when the feed is
    trimmed to its cap, or a follow's backfill stops short of the account's oldest posts."""

    __tablename__ = "home_feeds"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    complete_from: Mapped[int] = mapped_column(BigInteger, default=0)
