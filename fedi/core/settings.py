"""Typed settings: config.toml plus IMPASTO_* environment overrides, validated at start.

Each section's fields, with a comment on each, are in `fedi.core.sections` (named here too).
"""

from __future__ import annotations

import os
import re
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from fedi.core.sections import DATABASE_DRIVERS as DATABASE_DRIVERS
from fedi.core.sections import DatabaseSettings as DatabaseSettings
from fedi.core.sections import FederationSettings as FederationSettings
from fedi.core.sections import GeneratorSettings as GeneratorSettings
from fedi.core.sections import InstanceSettings as InstanceSettings
from fedi.core.sections import LimitsSettings as LimitsSettings
from fedi.core.sections import MediaSettings as MediaSettings
from fedi.core.sections import ServerSettings as ServerSettings

DEFAULT_CONFIG = Path("config.toml")
ENV_PREFIX = "IMPASTO_"


# The parsed config file for the Settings() call in progress (BaseSettings has no per-call
# source hook).
_file_data: ContextVar[dict[str, Any] | None] = ContextVar("_file_data")


class ConfigError(Exception):
    """The configuration file or environment is invalid; the message names the bad key."""


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
