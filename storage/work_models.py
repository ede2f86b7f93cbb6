"""Durable work as rows with explicit states: received activities, our outbound activities and
their deliveries, copies of remote images (posts' and actors' pictures), and generations
(which also hold a slot by lease)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .model_base import Base, _id, _ts
from .timeutil import UTCDateTime


class ImageFetch(Base):
    """Copying a remote post's image into the media folder: durable work with explicit states,
    done by fedi.workers.images."""

    __tablename__ = "image_fetches"
    __table_args__ = (Index("ix_image_fetches_due", "state", "next_attempt_at"),)

    id: Mapped[int] = _id()
    media_id: Mapped[int] = mapped_column(
        ForeignKey("media_attachments.id", ondelete="CASCADE"), unique=True
    )
    # pending -> done | failed (final: gone, not an image we take, attempts exhausted; the
    # image then stays a link to its original)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _ts()
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _ts()


class AccountImageFetch(Base):
    """Copying a remote actor's avatar or header into the media folder: one row per account
    and picture, following its current URL; durable work done by fedi.workers.account_images."""

    __tablename__ = "account_image_fetches"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", name="uq_account_image_fetches_account_kind"),
        Index("ix_account_image_fetches_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # avatar | header
    # The picture's URL when the row was (re)queued: a changed URL queues the row again.
    remote_url: Mapped[str] = mapped_column(String(2048))
    # pending -> done | failed (final: gone, not an image we take, attempts exhausted; the
    # pages then show the initial, the API the default picture)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _ts()
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _ts()


class InboxActivity(Base):
    """An activity received at an inbox: deduplicated by id, processed by a worker."""

    __tablename__ = "inbox_activities"
    __table_args__ = (Index("ix_inbox_activities_due", "state", "next_attempt_at"),)

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    activity_type: Mapped[str] = mapped_column(String(64))
    actor_uri: Mapped[str] = mapped_column(String(2048))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _ts()
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = _ts()


class OutboundActivity(Base):
    """An activity we sent, stored once however many inboxes it goes to."""

    __tablename__ = "outbound_activities"

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _ts()


class Delivery(Base):
    """One POST of an outbound activity to one inbox: durable work with explicit states."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("activity_id", "inbox_url", name="uq_deliveries_activity_inbox"),
        Index("ix_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = _id()
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("outbound_activities.id", ondelete="CASCADE")
    )
    inbox_url: Mapped[str] = mapped_column(String(2048))
    # pending -> delivered | failed (final: 4xx, 410, attempts exhausted)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _ts()
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = _ts()
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Generation(Base):
    """One request to an image model: its progress, why it failed, and the post it became.

    Rows are also the ledger for rate limits and daily quotas (a hosted model costs money per
    image) and for the global limit on generations running at once.
    """

    __tablename__ = "generations"
    __table_args__ = (
        Index("ix_generations_account_created", "account_id", "created_at"),
        Index("ix_generations_state", "state", "started_at"),
    )

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    prompt: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(255))
    # The model offered that was asked ("main": [generator]; else a key of [generator.models]);
    # None on rows from before there were several.
    model_key: Mapped[str | None] = mapped_column(String(32))
    # queued -> generating -> processing -> done | failed
    state: Mapped[str] = mapped_column(String(16), default="queued")
    reason: Mapped[str | None] = mapped_column(Text)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # Asked through the API (POST /api/v1/impasto/generations): the options, and the
    # unattached picture it made.
    media_id: Mapped[int | None] = mapped_column(BigInteger)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    negative_prompt: Mapped[str | None] = mapped_column(Text)
    aspect_ratio: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = _ts()
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A running generation holds its slot until then; its process keeps moving it on, so a
    # process that died frees the slot when the lease runs out.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StreamEvent(Base):
    """Something the streaming API announces (a new or edited post, a boost, a notification, a
    deletion), written in the same transaction as the change; every server process reads the
    new ones and passes them to its connected clients (fedi.workers.stream_hub). Short-lived:
    pruned after minutes. `id` is time-ordered (storage.ids)."""

    __tablename__ = "stream_events"

    id: Mapped[int] = _id()
    # update | status.update | delete | notification
    kind: Mapped[str] = mapped_column(String(32))
    # the post's id, or the boost's (reaction) id; a notification's id for `notification`
    ref_id: Mapped[int] = mapped_column(BigInteger)
    # the post's author, the booster, or the notified account
    account_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _ts(index=True)
