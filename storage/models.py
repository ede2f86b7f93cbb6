"""SQLAlchemy 2 models. Shaped after Mastodon's entities so the client API can map onto them.

Here: accounts, and what they post, follow, block, react to and are told. Beside it: the
declarative base (`model_base`), the tables of durable work (`work_models`), and sign-in and
OAuth (`auth_models`). The work tables are named here too, where the code imports them from,
so loading this module puts them all into `Base.metadata` (`storage/__init__` loads the auth ones).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from .model_base import Base as Base
from .model_base import _id, _ts
from .timeutil import UTCDateTime, utcnow
from .work_models import AccountImageFetch as AccountImageFetch
from .work_models import Delivery as Delivery
from .work_models import Generation as Generation
from .work_models import ImageFetch as ImageFetch
from .work_models import InboxActivity as InboxActivity
from .work_models import OutboundActivity as OutboundActivity
from .work_models import StreamEvent as StreamEvent


class Account(Base):
    """A local or remote actor. Local accounts have domain NULL and a private key."""

    __tablename__ = "accounts"
    __table_args__ = (
        # Remote accounts are keyed by their actor id (uri) alone: one server may give two
        # actors one name (Lemmy's user and its community). A local name is taken once.
        Index(
            "ix_accounts_local_username",
            "username",
            unique=True,
            sqlite_where=text("domain IS NULL"),
            postgresql_where=text("domain IS NULL"),
        ),
    )

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    username: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    actor_type: Mapped[str] = mapped_column(String(32), default="Person")
    display_name: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2048))
    # The avatar as the actor publishes it: a local account's file here, a remote actor's
    # `icon` on its server (never loaded by our pages; the copy we serve is `avatar_file`).
    icon_url: Mapped[str | None] = mapped_column(String(2048))
    inbox_url: Mapped[str] = mapped_column(String(2048))
    shared_inbox_url: Mapped[str | None] = mapped_column(String(2048))
    outbox_url: Mapped[str | None] = mapped_column(String(2048))
    followers_url: Mapped[str | None] = mapped_column(String(2048))
    public_key_id: Mapped[str] = mapped_column(String(2048), unique=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    private_key_pem: Mapped[str | None] = mapped_column(Text)
    manually_approves_followers: Mapped[bool] = mapped_column(Boolean, default=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True)
    # A local user's profile (PATCH update_credentials): header picture, metadata fields as
    # [{"name": ..., "value": ...}] (plain text), and posting defaults (Mastodon's `source`).
    # A remote actor's header is its `image` on its server (the copy we serve: `header_file`).
    header_url: Mapped[str | None] = mapped_column(String(2048))
    profile_fields: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    default_privacy: Mapped[str] = mapped_column(String(16), default="public")
    default_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    default_language: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime] = _ts(onupdate=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A remote actor's avatar and header copied into the media folder (generated names, made
    # by fedi.workers.account_images from `icon_url`/`header_url`); None until copied, and
    # again as soon as the picture changes. Local accounts never have them.
    avatar_file: Mapped[str | None] = mapped_column(String(255))
    header_file: Mapped[str | None] = mapped_column(String(255))
    # Room for account migration (Move / alsoKnownAs) and suspension.
    moved_to_uri: Mapped[str | None] = mapped_column(String(2048))
    # Set when the account was DELETED (a local one keeps its row and key to sign its farewell;
    # its actor answers 410). Not an admin's suspension: that is `suspended_since`.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An admin's suspension of a local user, reversible: no sign-in, no tokens, no profile or
    # posts shown, but the actor is still served (minimal, `"suspended": true`), never 410.
    suspended_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_local(self) -> bool:
        """True for accounts that live on this server."""
        return self.domain is None


class LocalAccountError(Exception):
    """A write would make a local account remote (give it a domain) or a remote one local:
    refused, whatever code path tried (a remote actor fetched from our own URL, say)."""


@event.listens_for(Account, "before_update")
def _stays_where_it_lives(_mapper: Mapper[Account], _conn: Connection, account: Account) -> None:
    """An account row never changes sides: its domain is set once, when it is made."""
    history = inspect(account).attrs.domain.history
    if history.deleted and (history.deleted[0] is None) != (account.domain is None):
        side = "local" if history.deleted[0] is None else "remote"
        raise LocalAccountError(
            f"{account.uri} is a {side} account: its domain cannot become {account.domain!r}"
        )


class User(Base):
    """Sign-in data of a local account (kept apart from the public actor)."""

    __tablename__ = "users"

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = _ts()


class Follow(Base):
    """follower follows target. state: pending (awaiting approval / Accept) or accepted."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "target_id", name="uq_follows_pair"),
        Index("ix_follows_target_state", "target_id", "state"),
    )

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = _ts()


class Post(Base):
    """A status: local (made here from a prompt) or remote (received)."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_account_id_id", "account_id", "id"),
        Index("ix_posts_local_id", "local", "id"),
        # A post's page lists its newest remixes (storage.remixes); few posts are remixes.
        Index(
            "ix_posts_remix_of_uri_id",
            "remix_of_uri",
            "id",
            sqlite_where=text("remix_of_uri IS NOT NULL"),
            postgresql_where=text("remix_of_uri IS NOT NULL"),
        ),
    )

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    local: Mapped[bool] = mapped_column(Boolean, default=True)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    content_html: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    in_reply_to_uri: Mapped[str | None] = mapped_column(String(2048), index=True)
    # Generation provenance (local posts); remote posts may carry it via the prompt extension later.
    prompt: Mapped[str | None] = mapped_column(Text)
    generator_backend: Mapped[str | None] = mapped_column(String(64))
    generator_model: Mapped[str | None] = mapped_column(String(255))
    generator_seed: Mapped[int | None] = mapped_column(BigInteger)
    remix_of_uri: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime] = _ts()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set on a local post its author pinned (the actor's `featured` collection), newest first.
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Mention(Base):
    """An account a post mentions (a `Mention` tag): who is told, and who gets it delivered."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("post_id", "account_id", name="uq_mentions_post_account"),
        Index("ix_mentions_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = _id()
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class PostTag(Base):
    """A hashtag of a post (a `Hashtag` tag), by its lower-case name without the '#'."""

    __tablename__ = "post_tags"
    __table_args__ = (
        UniqueConstraint("post_id", "name", name="uq_post_tags_post_name"),
        Index("ix_post_tags_name_post_id", "name", "post_id"),
    )

    id: Mapped[int] = _id()
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))


class Block(Base):
    """account blocks target: nothing of target's reaches account, and they no longer follow
    each other. Local blocks are sent as Block activities; a remote actor's Block of a local
    account is kept too (its uri is the received activity's id)."""

    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("account_id", "target_id", name="uq_blocks_pair"),
        Index("ix_blocks_target_id", "target_id"),
    )

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _ts()


class MediaAttachment(Base):
    """An image of a post: a stored file (local) or a link to the remote original."""

    __tablename__ = "media_attachments"

    id: Mapped[int] = _id()
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str | None] = mapped_column(String(255), unique=True)
    remote_url: Mapped[str | None] = mapped_column(String(2048))
    media_type: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(Integer)
    blurhash: Mapped[str | None] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    # A local picture: "uploaded" by a person or "generated" by the model (None: a remote
    # picture, or one painted for a post before pictures could be uploaded).
    origin: Mapped[str | None] = mapped_column(String(16))
    focus_x: Mapped[float | None] = mapped_column(Float)  # Mastodon's focal point, -1..1
    focus_y: Mapped[float | None] = mapped_column(Float)
    generation_id: Mapped[int | None] = mapped_column(BigInteger)  # the one that painted it
    created_at: Mapped[datetime] = _ts()


class Reaction(Base):
    """A like or a boost (Announce) of a post, by a local or remote account.

    Kept apart from posts: a boost here is the fact that someone shared a post, which the home
    timeline and the Mastodon API (favourites, reblogs) will both read.
    """

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("kind", "account_id", "post_id", name="uq_reactions_once"),
        Index("ix_reactions_post_kind", "post_id", "kind"),
        Index("ix_reactions_account_id_id", "account_id", "id"),  # boosts in home timelines
    )

    id: Mapped[int] = _id()
    kind: Mapped[str] = mapped_column(String(16))  # like | announce
    uri: Mapped[str] = mapped_column(String(2048), unique=True)  # the Like/Announce activity
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _ts()


class Bookmark(Base):
    """A post a local user saved for later (Mastodon's bookmarks: private to the user, never
    federated); the id pages GET /api/v1/bookmarks."""

    __tablename__ = "bookmarks"
    __table_args__ = (
        UniqueConstraint("account_id", "post_id", name="uq_bookmarks_once"),
        Index("ix_bookmarks_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = _ts()


class Notification(Base):
    """Something a local user should hear about: a follow or request, a mention, a reply, a
    boost or a like. Kinds and fields map onto Mastodon's notification entity."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", "source_uri", name="uq_notifications_once"),
        Index("ix_notifications_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = _id()
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # follow | follow_request | mention | reply | boost | like
    kind: Mapped[str] = mapped_column(String(16))
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    source_uri: Mapped[str] = mapped_column(String(2048))  # the activity or note behind it
    created_at: Mapped[datetime] = _ts()


class DomainBlock(Base):
    """A server the admin cut off: nothing comes in from it, nothing goes out to it."""

    __tablename__ = "domain_blocks"

    id: Mapped[int] = _id()
    domain: Mapped[str] = mapped_column(String(255), unique=True)  # host[:port], lower case
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # for the admins
    created_at: Mapped[datetime] = _ts()


class InstanceSetting(Base):
    """An admin's override of one config.toml setting (/admin/instance): the key names it
    (`description`, `rules`, `per_user_daily_quota`, `registrations`), the value is JSON."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = _ts(onupdate=utcnow)


class EarlyDelete(Base):
    """A Delete of a note we did not have (yet): its Create may have been overtaken on the way,
    and must then not be stored. Kept for a few hours, as Mastodon keeps its
    `delete_upon_arrival` marks."""

    __tablename__ = "early_deletes"

    id: Mapped[int] = _id()
    uri: Mapped[str] = mapped_column(String(2048), unique=True)
    created_at: Mapped[datetime] = _ts(index=True)
