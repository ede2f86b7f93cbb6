"""Typed settings: config.toml plus IMPASTO_* environment overrides, validated at start."""

from __future__ import annotations

import os
import re
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_CONFIG = Path("config.toml")
ENV_PREFIX = "IMPASTO_"
DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


# The parsed config file for the Settings() call in progress (BaseSettings has no per-call
# source hook).
_file_data: ContextVar[dict[str, Any] | None] = ContextVar("_file_data")


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
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
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
        file_data = _file_data.get(None)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if file_data is not None:
            sources.append(InitSettingsSource(settings_cls, file_data))
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
            raise ConfigError(
                f"config file {path} not found: run `impasto init` to create one "
                "(or name yours with --config or IMPASTO_CONFIG)"
            )
        path = None
    token = _file_data.set(_read_toml(path) if path is not None else None)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    except SettingsError as exc:  # an IMPASTO_<SECTION> variable that is not a JSON object
        raise ConfigError(_describe_unparsable(exc)) from None
    finally:
        _file_data.reset(token)
    return _anchored(settings, path.parent if path is not None else Path.cwd())


def origin(path: Path | None, section: str, key: str) -> str:
    """Where a person changes a setting: its IMPASTO_* variable if that is set, else the file."""
    variable = _variable_set((section, key))
    if variable is not None:
        return variable
    return f"[{section}] {key} in {path}" if path is not None else _env_name((section, key))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except IsADirectoryError:
        raise ConfigError(
            f"{path} is a folder, not a config file: name the file with --config or IMPASTO_CONFIG"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path} ({exc.strerror}): make it readable by the user running impasto"
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = re.search(r" \((at line \d+, column \d+|at end of document)\)$", message)
        if place is not None:
            message = f"{place.group(1).removeprefix('at ')}: {message[: place.start()]}"
        raise ConfigError(f"{path}: {message}: fix the TOML syntax there") from None


def _anchored(settings: Settings, base: Path) -> Settings:
    """Relative file paths in the config are relative to the config file, not to the cwd."""
    prefix, _, rest = settings.database.url.partition(":///")
    if prefix.startswith("sqlite") and rest and not rest.startswith(("/", ":memory:")):
        settings.database.url = f"{prefix}:///{(base / rest).resolve()}"
    media = Path(settings.media.dir)
    if not media.is_absolute():
        settings.media.dir = str((base / media).resolve())
    return settings


def _env_name(loc: tuple[str, ...]) -> str:
    return ENV_PREFIX + "__".join(loc).upper()


def _variable_set(loc: tuple[str, ...]) -> str | None:
    """The IMPASTO_* variable that sets `loc` or a section holding it, as spelt in the
    environment (names match case-insensitively, as pydantic-settings reads them)."""
    present = {name.upper(): name for name in os.environ}
    for end in range(len(loc), 0, -1):
        name = present.get(_env_name(loc[:end]))
        if name is not None:
            return name
    return None


def _sources(loc: tuple[str, ...], message: str, path: Path | None) -> list[str]:
    """Where an error at `loc` comes from: IMPASTO_* variables and/or the file. An error about
    a whole section (a check across its settings) comes from the settings its message names."""
    found = _variable_set(loc)
    if found is not None:
        return [found]
    file = [str(path) if path is not None else "settings"]
    field = Settings.model_fields.get(loc[0]) if len(loc) == 1 else None
    model = field.annotation if field is not None else None
    if not isinstance(model, type) or not issubclass(model, BaseModel):
        return file
    named = [key for key in model.model_fields if re.search(rf"\b{key}\b", message)]
    variables = [_variable_set((loc[0], key)) for key in named]
    return [name for name in variables if name is not None] + (file if None in variables else [])


def _message(err: ErrorDetails) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown setting"
    return err["msg"].removeprefix("Value error, ")


def _describe(exc: ValidationError, path: Path | None) -> str:
    """One line: each bad setting with the file or IMPASTO_* variable it came from, and the fix."""
    problems: dict[tuple[str, ...], list[str]] = {}
    for err in exc.errors():
        loc = tuple(str(part) for part in err["loc"])
        message = _message(err)
        problems.setdefault(tuple(_sources(loc, message, path)), []).append(
            f"{'.'.join(loc)}: {message}"
        )
    sources = {source for where in problems for source in where}
    variables = sorted(sources - {str(path), "settings"})
    fixes = [f"fix or unset {', '.join(variables)}"] if variables else []
    if path is not None and str(path) in sources:
        fixes.append(f"correct {path}")
    described = "; ".join(
        f"{' and '.join(where)}: {'; '.join(found)}" for where, found in problems.items()
    )
    return described + (f" ({' and '.join(fixes)})" if fixes else "")


def _describe_unparsable(exc: SettingsError) -> str:
    field = re.search(r'field "(\w+)"', str(exc))
    if field is None or "EnvSettingsSource" not in str(exc):
        return str(exc)
    prefix = _env_name((field.group(1),))
    names = sorted(
        name
        for name in os.environ
        if name.upper() == prefix or name.upper().startswith(f"{prefix}__")
    )
    return (
        f"{', '.join(names) or prefix}: not a valid value for [{field.group(1)}] (a section or "
        f"a table set from the environment must be a JSON object): fix or unset it"
    )
