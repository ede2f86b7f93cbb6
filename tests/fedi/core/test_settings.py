"""Settings: the example file loads, errors name the bad key, environment overrides the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedi.core.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_example_config_loads_and_covers_every_setting() -> None:
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.instance.url == "https://impasto.example"
    assert settings.generator.backend == "builtin"
    assert settings.generator.model_keys == ["main"]
    assert "\n# [generator.models.flux]\n" in (ROOT / "config.example.toml").read_text()
    assert settings.federation.allow_private_addresses is False
    text = (ROOT / "config.example.toml").read_text()
    for section, model in settings:
        for key in type(model).model_fields:
            if key in ("options", "models"):  # tables, shown commented out
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


def test_several_mistakes_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[instance]\nurl = "ftp://example"\n[server]\nport = 99999\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(f"{path}: instance.url: must be an absolute http(s) URL")
    assert str(info.value).endswith(f"(correct {path})")


def test_syntax_error_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[instance]\nname = "Impasto"\nurl = \n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}: line 3, column 7: Invalid value: fix the TOML syntax there"


def test_a_folder_or_a_file_that_is_not_text(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder, not a config file: name the file with"):
        load_settings(tmp_path)
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe[instance]")
    with pytest.raises(ConfigError, match=r"is not UTF-8 text \(byte 0\): save it as UTF-8"):
        load_settings(path)


def test_a_bad_environment_value_names_the_variable_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[server]\nport = 8010\n")
    monkeypatch.setenv("IMPASTO_SERVER__PORT", "abc")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith("IMPASTO_SERVER__PORT: server.port: Input should be a valid integer")
    assert message.endswith("(fix or unset IMPASTO_SERVER__PORT)")
    assert str(path) not in message


def test_an_unknown_setting_from_the_environment_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMPASTO_SERVER__PROT", "8011")
    with pytest.raises(ConfigError, match=r"^IMPASTO_SERVER__PROT: server\.prot: unknown setting"):
        load_settings(ROOT / "config.example.toml")


def test_a_section_variable_that_is_not_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMPASTO_SERVER", "port=8011")
    with pytest.raises(ConfigError, match=r"^IMPASTO_SERVER: not a valid value for \[server\]"):
        load_settings(ROOT / "config.example.toml")


@pytest.mark.parametrize(("lease", "timeout"), [(5, 10), (10, 10)])
def test_a_delivery_lease_not_longer_than_the_request_timeout_is_refused(
    tmp_path: Path, lease: int, timeout: int
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[federation]\ndelivery_lease = {lease}\nrequest_timeout = {timeout}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(
        f"{path}: federation: delivery_lease ({lease} s) must be longer than "
        f"request_timeout ({timeout} s)"
    )


def test_the_lease_check_names_where_each_side_was_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[federation]\nrequest_timeout = 30\n")
    assert load_settings(path).federation.delivery_lease == 60  # the default outlasts it
    monkeypatch.setenv("IMPASTO_FEDERATION__DELIVERY_LEASE", "20")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"IMPASTO_FEDERATION__DELIVERY_LEASE and {path}: federation: ")
    assert message.endswith(f"(fix or unset IMPASTO_FEDERATION__DELIVERY_LEASE and correct {path})")


def test_the_database_url_needs_a_driver_we_ship_and_hides_its_password(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for url in ("nonsense", "mysql://impasto@db/impasto", "postgresql://impasto@db/impasto"):
        path.write_text(f'[database]\nurl = "{url}"\n')
        with pytest.raises(
            ConfigError, match=r"database\.url: must be sqlite\+aiosqlite:///PATH or"
        ):
            load_settings(path)
    path.write_text('[database]\nurl = "postgresql+asyncpg://impasto:s3cret@db:5432/impasto"\n')
    database = load_settings(path).database
    assert database.redacted_url == "postgresql+asyncpg://impasto:***@db:5432/impasto"
