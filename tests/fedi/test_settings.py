"""Settings: the example file loads, errors name the bad key, environment overrides the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedi.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_loads_and_covers_every_setting() -> None:
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.instance.url == "https://impasto.example"
    assert settings.generator.backend == "builtin"
    assert settings.federation.allow_private_addresses is False
    text = (ROOT / "config.example.toml").read_text()
    for section, model in settings:
        for key in type(model).model_fields:
            if key == "options":
                continue
            assert f"\n{key} = " in text, f"config.example.toml lacks {section}.{key}"


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[databse]\nurl = "x"\n')
    with pytest.raises(ConfigError, match="databse: unknown setting"):
        load_settings(path)


def test_bad_value_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[instance]\nurl = "ftp://example"\n[server]\nport = 99999\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "instance.url" in str(info.value)
    assert "server.port" in str(info.value)


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[instance\n")
    with pytest.raises(ConfigError, match=str(path)):
        load_settings(path)


def test_missing_file_says_run_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="impasto init"):
        load_settings(tmp_path / "absent.toml")


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[instance]\nurl = "https://a.example"\n[federation]\nrequest_timeout = 3\n')
    monkeypatch.setenv("IMPASTO_INSTANCE__URL", "https://b.example")
    monkeypatch.setenv("IMPASTO_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true")
    settings = load_settings(path)
    assert settings.instance.url == "https://b.example"
    assert settings.federation.allow_private_addresses is True
    assert settings.federation.request_timeout == 3


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text('[database]\nurl = "sqlite+aiosqlite:///db/x.db"\n[media]\ndir = "m"\n')
    settings = load_settings(path)
    assert settings.database.url == f"sqlite+aiosqlite:///{folder / 'db/x.db'}"
    assert settings.media.dir == str(folder / "m")


def test_instance_url_is_normalised_and_host_includes_port(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[instance]\nurl = "http://LOCALHOST:8011/"\n')
    settings = load_settings(path)
    assert settings.instance.url == "http://localhost:8011"
    assert settings.instance.host == "localhost:8011"
