"""Rows of people signing in: web sessions, failed sign-ins, OAuth apps, codes and tokens.

Every secret (session id, client secret, code, access token) is kept as its SHA-256 only: they
are 256-bit random strings, so a fast hash is enough, and a leaked database lets no one in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .model_base import Base, _id, _ts
from .timeutil import UTCDateTime


class WebSession(Base):
    """A signed-in browser: the cookie carries the id, this row its hash. Sign-out deletes it."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = _id()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = _ts()


class SignInFailure(Base):
    """One failed sign-in, counted against an account name and against an address (`kind`);
    `key` is the SHA-256 of the lower-cased name or of the address."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key", "kind", "key", "created_at"),)

    id: Mapped[int] = _id()
    kind: Mapped[str] = mapped_column(String(16))  # account | address
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = _ts(index=True)


class OAuthApplication(Base):
    """A client registered by POST /api/v1/apps (or by `impasto token create`)."""

    __tablename__ = "oauth_applications"

    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(2048))
    redirect_uris: Mapped[str] = mapped_column(Text)  # one a line, as Mastodon keeps them
    scopes: Mapped[str] = mapped_column(String(1024))  # space-separated
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret_hash: Mapped[str] = mapped_column(String(64))
    # The local account that made it (CLI tokens); NULL for apps registered over the API.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _ts()


class OAuthCode(Base):
    """An authorization code: single-use, short-lived, bound to its client, redirect URI and
    PKCE challenge. `token_id` names the token it became, revoked if the code comes again."""

    __tablename__ = "oauth_codes"

    id: Mapped[int] = _id()
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    scopes: Mapped[str] = mapped_column(String(1024))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    token_id: Mapped[int | None] = mapped_column(ForeignKey("oauth_tokens.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _ts()


class OAuthToken(Base):
    """An access token. No expiry (Mastodon's never expire and clients such as Tusky never
    refresh); it lasts until revoked. `account_id` is NULL for client_credentials tokens."""

    __tablename__ = "oauth_tokens"

    id: Mapped[int] = _id()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = _ts()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Invite(Base):
    """An invitation to sign up (`[instance] registrations = "invite"`): the link carries the
    code, this row its hash. Used up after `max_uses` sign-ups (None: no limit), or expired."""

    __tablename__ = "invites"

    id: Mapped[int] = _id()
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _ts()
