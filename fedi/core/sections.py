"""The sections of config.toml (`[instance]`, `[database]`, …): typed, one comment per field.

`fedi.core.settings` gathers them into `Settings` and loads them with IMPASTO_* overrides.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstanceSettings(_Section):
    """[instance]: who this server is."""

    # Public base URL, scheme and host (and port if not default); no path. Handles are user@host.
    url: str = "http://127.0.0.1:8010"
    # Shown in NodeInfo and on the home page.
    name: str = "Impasto"
    description: str = "A fediverse server for AI-generated pictures"
    # Secret for signing web sessions; `impasto init` writes a fresh random one.
    secret_key: str = ""
    # Where people can write to the admins; Mastodon apps show it on the server's About page.
    contact_email: str = ""
    # The server's rules, one short sentence each, shown by Mastodon apps in this order.
    rules: list[str] = Field(default_factory=list)
    # A longer description of the server (plain text; blank lines separate paragraphs).
    extended_description: str = ""
    # Primary languages of the server and its people (ISO 639-1 codes).
    languages: list[str] = Field(default_factory=lambda: ["en"])
    # Where this server's source code can be had (the AGPL asks for it); empty: its own URL.
    source_url: str = ""
    # Who may make an account at /auth/sign_up: nobody ("closed": the admin makes accounts with
    # `impasto user create`), anyone ("open"), or whoever has an invite ("invite").
    registrations: Literal["closed", "open", "invite"] = "closed"

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://impasto.example")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("must not have a path, query or fragment")
        return f"{parts.scheme}://{parts.netloc.lower()}"

    @property
    def host(self) -> str:
        """host[:port] as it appears in handles and in the HTTP Host header."""
        return urlsplit(self.url).netloc


class DatabaseSettings(_Section):
    """[database]: where posts, accounts and the delivery queue live."""

    # SQLAlchemy URL. sqlite+aiosqlite:///path (default, embedded) or postgresql+asyncpg://...
    url: str = "sqlite+aiosqlite:///data/impasto.db"
    # Connections kept open per process (PostgreSQL only).
    pool_size: int = Field(default=10, ge=1)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            driver = None
        if driver not in DATABASE_DRIVERS:
            raise ValueError(
                "must be sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/NAME"
            )
        return value

    @property
    def redacted_url(self) -> str:
        """The URL with its password masked, fit for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)


class MediaSettings(_Section):
    """[media]: where generated images are stored and how they are encoded."""

    # Directory for image files; created if missing.
    dir: str = "data/media"
    # Encoding of stored images: WEBP, PNG or JPEG.
    format: str = "WEBP"
    # Largest image (bytes) accepted from a generator or a remote server.
    max_bytes: int = Field(default=20_000_000, ge=1)
    # Largest image accepted, in pixels (decompression-bomb guard).
    max_pixels: int = Field(default=40_000_000, ge=1)
    # Largest picture (bytes) a person may upload through the API (Mastodon's image limit);
    # a bigger request body is refused with 413 before it is read.
    upload_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    # Largest uploaded picture in pixels (Mastodon's 7680x4320).
    upload_pixels: int = Field(default=33_177_600, ge=1)
    # Also embed a C2PA manifest (Content Credentials) signed offline with the instance key.
    c2pa: bool = False

    @field_validator("format")
    @classmethod
    def _check_format(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("WEBP", "PNG", "JPEG"):
            raise ValueError("must be WEBP, PNG or JPEG")
        return upper


MAIN_MODEL = "main"  # the key of the model `[generator]` itself names
MODEL_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


class ModelSettings(_Section):
    """[generator.models.KEY]: one more image model people may choose when they paint."""

    # What the compose page and the API call it; empty: the model's own name.
    label: str = Field(default="", max_length=80)
    # Backend name, as `[generator] backend`.
    backend: str
    # Extra keyword options passed to the backend, as `[generator.options]`.
    options: dict[str, Any] = Field(default_factory=dict)


class GeneratorSettings(_Section):
    """[generator]: which image models paint the posts (the quotas and slots are shared)."""

    # Backend name: builtin (offline), or any installed impasto.generators entry point.
    backend: str = "builtin"
    # Extra keyword options passed to the backend.
    options: dict[str, Any] = Field(default_factory=dict)
    # What the compose page and the API call this model (key "main"); empty: its own name.
    label: str = Field(default="", max_length=80)
    # More models people may choose from, by key (a-z, 0-9, "-", "_"; not "main").
    models: dict[str, ModelSettings] = Field(default_factory=dict)
    # The key of the model that paints when none is chosen (and `/paint`, `impasto post`);
    # an admin may change it at /admin/instance.
    default_model: str = MAIN_MODEL
    # Generations one user may start per hour; 0 means no limit.
    per_user_hourly_limit: int = Field(default=30, ge=0)
    # Generations one user may start per 24 hours (a hosted model costs money per image);
    # 0 means no quota.
    per_user_daily_quota: int = Field(default=200, ge=0)
    # Generations running at once on this instance, across all users and processes; the
    # rest wait their turn ("queued").
    max_concurrent: int = Field(default=2, ge=1)
    # Seconds a running generation holds its slot unless its process renews it (it does, every
    # third of this): a process killed mid-generation frees its slot this long after.
    slot_lease: float = Field(default=15.0, gt=0)
    # Seconds after which a generation still running, its process alive and renewing, no
    # longer holds a slot (a model stuck that long must not keep everyone else waiting).
    stale_after: float = Field(default=900.0, gt=0)

    @field_validator("models")
    @classmethod
    def _check_keys(cls, value: dict[str, ModelSettings]) -> dict[str, ModelSettings]:
        for key in value:
            if key == MAIN_MODEL or not MODEL_KEY.fullmatch(key):
                raise ValueError(
                    f"{key!r} is not a model key: use 1 to 32 of a-z, 0-9, - and _ "
                    f"({MAIN_MODEL!r} is the [generator] model itself)"
                )
        return value

    @model_validator(mode="after")
    def _check_default(self) -> Self:
        if self.default_model not in self.model_keys:
            raise ValueError(
                f"default_model = {self.default_model!r} is not a configured model "
                f"(one of {', '.join(self.model_keys)})"
            )
        return self

    @property
    def model_keys(self) -> list[str]:
        """The keys of the models offered: "main" first, then [generator.models] in order."""
        return [MAIN_MODEL, *self.models]


class FederationSettings(_Section):
    """[federation]: talking to other servers."""

    # Allow fetching from and delivering to loopback/private addresses. Only for tests and
    # local development; a public server must leave this false (SSRF guard).
    allow_private_addresses: bool = False
    # Seconds allowed between a signed request's Date header and our clock.
    signature_max_skew: int = Field(default=300, ge=1)
    # Seconds before an outbound request is abandoned.
    request_timeout: float = Field(default=10.0, gt=0)
    # Largest inbox POST body accepted, in bytes.
    max_inbox_bytes: int = Field(default=1_000_000, ge=1)
    # Deliveries sent concurrently by one worker process.
    delivery_concurrency: int = Field(default=64, ge=1)
    # Seconds a claimed delivery stays leased to a worker before another may retry it.
    # Longer than request_timeout (checked below).
    delivery_lease: float = Field(default=60.0, gt=0)
    # Seconds between polls of the delivery queue when idle.
    delivery_poll_interval: float = Field(default=1.0, gt=0)
    # Attempts before a delivery is given up (16 spans about three days with the backoff).
    delivery_max_attempts: int = Field(default=16, ge=1)
    # Multiplies the retry backoff; 1.0 in production, small in tests and local experiments.
    retry_delay_factor: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _lease_outlasts_a_request(self) -> Self:
        # A lease that runs out while its POST still waits for an answer lets another worker
        # claim the delivery and send it a second time.
        if self.delivery_lease <= self.request_timeout:
            raise ValueError(
                f"delivery_lease ({self.delivery_lease:g} s) must be longer than "
                f"request_timeout ({self.request_timeout:g} s), or a delivery still waiting "
                "for its answer can be sent twice"
            )
        return self


class LimitsSettings(_Section):
    """[limits]: how long what people write here may be (Mastodon's limits: longer input is
    refused, naming the limit), and how much of what other servers send is kept (it is not
    refused for its length, as Mastodon does not; the rest is cut off)."""

    # Characters of a post's caption and content warning together (Mastodon's 500). As
    # Mastodon counts: a link counts as 23, a mention of user@host as its @user part.
    status_chars: int = Field(default=500, ge=1)
    # Characters of an image's alt text (Mastodon's media description: 1,500).
    alt_text_chars: int = Field(default=1500, ge=1)
    # Characters of a prompt: long enough for any model's; the post's page and Note carry it
    # all (the image's provenance XMP keeps a shortened copy past 4,000).
    prompt_chars: int = Field(default=10_000, ge=1)
    # Characters of a local display name (Mastodon's 30).
    display_name_chars: int = Field(default=30, ge=1, le=255)
    # Characters of a local bio (Mastodon's 500).
    bio_chars: int = Field(default=500, ge=1)
    # Profile metadata fields a user may show, and characters of each name and value
    # (Mastodon's 4 and 255).
    profile_fields: int = Field(default=4, ge=0)
    profile_field_chars: int = Field(default=255, ge=1)
    # Bytes of an uploaded avatar or header picture, and of a remote actor's fetched to be
    # copied here (Mastodon's 2 MiB until 4.2).
    profile_image_bytes: int = Field(default=2 * 1024 * 1024, ge=1)
    # Bytes of a client API request body (JSON or form; media uploads are bounded by
    # [media] max_bytes, a profile change by two pictures). Larger bodies get 413.
    api_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Client API requests per 5 minutes: per token, and per address without a token (a bad
    # token counts against its address). Mastodon's 300; 0 turns the limit off. Answered
    # with X-RateLimit-Limit/-Remaining/-Reset on every API response, 429 past it.
    api_requests_per_5_minutes: int = Field(default=300, ge=0)
    api_anonymous_requests_per_5_minutes: int = Field(default=300, ge=0)
    # Media uploads and status deletions per 30 minutes, per token (Mastodon's 30 each).
    media_uploads_per_30_minutes: int = Field(default=30, ge=0)
    status_deletions_per_30_minutes: int = Field(default=30, ge=0)
    # Bytes (UTF-8) kept of a remote post's HTML, and of its content warning (Mastodon keeps
    # all; Pleroma refuses posts over 100,000 characters).
    remote_content_bytes: int = Field(default=100_000, ge=1000)
    # Characters kept of a remote image's description (Mastodon keeps 10,000).
    remote_alt_text_chars: int = Field(default=10_000, ge=1)
    # Characters kept of a remote display name (Mastodon keeps 2,048; the column holds 255).
    remote_display_name_chars: int = Field(default=255, ge=1, le=255)


class ServerSettings(_Section):
    """[server]: where `impasto serve` listens (put a TLS reverse proxy in front)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8010, ge=0, le=65535)
    # Seconds between the streaming API's checks for new events (one query per process).
    stream_poll_interval: float = Field(default=0.5, gt=0)
    # Seconds between keep-alive comments on an idle streaming connection (SSE) and pings
    # (WebSocket), so proxies do not close it.
    stream_heartbeat: float = Field(default=30.0, gt=0)
