"""Typed settings: config.toml plus IMPASTO_* environment overrides, validated at start."""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG = Path("config.toml")


# The TOML file for the Settings() call in progress (BaseSettings has no per-call source hook).
_toml_path: ContextVar[Path | None] = ContextVar("_toml_path")


class ConfigError(Exception):
    """The configuration file or environment is invalid; the message names the bad key."""


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
    # Also embed a C2PA manifest (Content Credentials) signed offline with the instance key.
    c2pa: bool = False

    @field_validator("format")
    @classmethod
    def _check_format(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("WEBP", "PNG", "JPEG"):
            raise ValueError("must be WEBP, PNG or JPEG")
        return upper


class GeneratorSettings(_Section):
    """[generator]: which image model paints the posts."""

    # Backend name: builtin (offline), or any installed impasto.generators entry point.
    backend: str = "builtin"
    # Extra keyword options passed to the backend.
    options: dict[str, Any] = Field(default_factory=dict)
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
    delivery_lease: float = Field(default=60.0, gt=0)
    # Seconds between polls of the delivery queue when idle.
    delivery_poll_interval: float = Field(default=1.0, gt=0)
    # Attempts before a delivery is given up (16 spans about three days with the backoff).
    delivery_max_attempts: int = Field(default=16, ge=1)
    # Multiplies the retry backoff; 1.0 in production, small in tests and local experiments.
    retry_delay_factor: float = Field(default=1.0, gt=0)


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
    # Characters of a local bio (Mastodon's 500; there is no way to write one yet).
    bio_chars: int = Field(default=500, ge=1)
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


class Settings(BaseSettings):
    """All of Impasto's settings."""

    model_config = SettingsConfigDict(
        env_prefix="IMPASTO_", env_nested_delimiter="__", extra="forbid"
    )

    instance: InstanceSettings = Field(default_factory=InstanceSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    generator: GeneratorSettings = Field(default_factory=GeneratorSettings)
    federation: FederationSettings = Field(default_factory=FederationSettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats the file; the file is the one load_settings() was given."""
        toml_file = _toml_path.get(None)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: --config, else $IMPASTO_CONFIG, else ./config.toml."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("IMPASTO_CONFIG") or DEFAULT_CONFIG)


def load_settings(path: Path | None, *, require_file: bool = True) -> Settings:
    """Load and validate settings from a TOML file plus environment overrides."""
    if path is not None and not path.exists():
        if require_file:
            raise ConfigError(f"config file {path} not found (run `impasto init` to create one)")
        path = None
    token = _toml_path.set(path)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    except ValueError as exc:  # TOML syntax errors
        raise ConfigError(f"{path}: {exc}") from None
    finally:
        _toml_path.reset(token)
    return _anchored(settings, path.parent if path is not None else Path.cwd())


def _anchored(settings: Settings, base: Path) -> Settings:
    """Relative file paths in the config are relative to the config file, not to the cwd."""
    prefix, _, rest = settings.database.url.partition(":///")
    if prefix.startswith("sqlite") and rest and not rest.startswith(("/", ":memory:")):
        settings.database.url = f"{prefix}:///{(base / rest).resolve()}"
    media = Path(settings.media.dir)
    if not media.is_absolute():
        settings.media.dir = str((base / media).resolve())
    return settings


def _describe(exc: ValidationError, path: Path | None) -> str:
    where = str(path) if path else "environment"
    lines = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        msg = "unknown setting" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"{where}: {key}: {msg}")
    return "\n".join(lines)
