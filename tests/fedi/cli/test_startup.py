"""Start-up failures, through the installed `impasto` script: one line on stderr naming the
cause and the fix, no traceback, a non-zero exit status, and the server never starts."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from fedi.cli.main import main
from tests.support.databases import DatabaseFactory
from tests.support.servers import free_port, run_cli, write_config

IMPASTO = Path(sys.executable).parent / "impasto"


def impasto(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the console script; a server that starts after all fails the test by its timeout."""
    environ = {**os.environ, **env}
    environ.pop("IMPASTO_CONFIG", None)
    return subprocess.run(
        [str(IMPASTO), *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=60
    )


def refusal(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused start prints, after checking it is all there is."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("impasto: ")
    return lines[0]


def edit(config: Path, section: str, key: str, value: Any) -> None:
    """Change one setting in a config file."""
    document = tomllib.loads(config.read_text())
    document.setdefault(section, {})[key] = value
    config.write_text(tomli_w.dumps(document))


@pytest.fixture
def config(tmp_path: Path, databases: DatabaseFactory) -> Path:
    """A config file on a set-up database, for a server that is not running."""
    path = write_config(
        tmp_path / "config.toml", port=free_port(), database_url=databases.new_url()
    )
    run_cli(path, "init")
    return path


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_a_port_in_use_names_the_port_and_the_setting(config: Path, taken_port: int) -> None:
    port = str(taken_port)
    from_flag = refusal(
        impasto("--config", str(config), "serve", "--port", port, cwd=config.parent)
    )
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in from_flag
    assert from_flag.endswith("choose another port with --port")

    from_env = impasto(
        "--config", str(config), "serve", cwd=config.parent, IMPASTO_SERVER__PORT=port
    )
    assert refusal(from_env).endswith("choose another port with IMPASTO_SERVER__PORT")

    edit(config, "server", "port", taken_port)
    from_file = refusal(impasto("--config", str(config), "serve", cwd=config.parent))
    assert "already in use" in from_file
    assert from_file.endswith(f"choose another port with [server] port in {config}")


def test_a_host_that_does_not_resolve_or_is_not_ours(config: Path) -> None:
    unknown = refusal(
        impasto("--config", str(config), "serve", "--host", "nowhere.invalid", cwd=config.parent)
    )
    assert "cannot listen on nowhere.invalid:" in unknown and "no such host" in unknown
    assert "set --host to an address of this machine" in unknown

    # 192.0.2.1 (TEST-NET-1, RFC 5737) is no address of this machine; binding sends nothing.
    foreign = refusal(
        impasto(
            "--config", str(config), "serve", cwd=config.parent, IMPASTO_SERVER__HOST="192.0.2.1"
        )
    )
    assert "cannot listen on 192.0.2.1:" in foreign
    assert "not one of this machine's: set IMPASTO_SERVER__HOST" in foreign


def test_a_port_below_1024_without_the_right_says_so(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(_sock: socket.socket, _address: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socket.socket, "bind", refuse)  # as the kernel does for non-root
    assert main(["--config", str(config), "serve", "--port", "80"]) != 0
    line = capsys.readouterr().err.strip()
    assert "\n" not in line
    assert "cannot listen on 127.0.0.1:80: permission denied" in line
    assert "use a port above 1023 with --port" in line


def _unprivileged_port_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    except (OSError, ValueError):
        return 1024


@pytest.mark.skipif(
    os.geteuid() == 0 or _unprivileged_port_start() <= 80, reason="this user may bind port 80"
)
def test_a_port_below_1024_as_an_ordinary_user(config: Path) -> None:
    line = refusal(impasto("--config", str(config), "serve", "--port", "80", cwd=config.parent))
    assert "permission denied" in line and "above 1023" in line


def test_no_config_file_says_run_init(tmp_path: Path) -> None:
    line = refusal(impasto("serve", cwd=tmp_path))
    assert line.startswith("impasto: config file config.toml not found: run `impasto init`")


def test_a_syntax_error_names_the_file_and_line(config: Path) -> None:
    config.write_text(config.read_text() + "\n[typo]\nkey = \n")
    line = refusal(impasto("--config", str(config), "serve", cwd=config.parent))
    lines = len(config.read_text().splitlines())
    assert line.startswith(f"impasto: {config}: line {lines}, column ")
    assert line.endswith("fix the TOML syntax there")


def test_a_bad_value_is_blamed_where_it_was_set(config: Path) -> None:
    from_env = refusal(
        impasto("--config", str(config), "serve", cwd=config.parent, IMPASTO_SERVER__PORT="abc")
    )
    assert from_env.startswith("impasto: IMPASTO_SERVER__PORT: server.port: ")
    assert from_env.endswith("(fix or unset IMPASTO_SERVER__PORT)")
    assert str(config) not in from_env and "config.toml" not in from_env

    edit(config, "server", "host", 5)
    from_file = refusal(impasto("--config", str(config), "serve", cwd=config.parent))
    assert from_file.startswith(f"impasto: {config}: server.host: ")
    assert from_file.endswith(f"(correct {config})") and "IMPASTO_" not in from_file


def test_a_media_folder_that_cannot_be_written(config: Path) -> None:
    in_the_way = config.parent / "a-file"
    in_the_way.write_text("")
    line = refusal(
        impasto(
            "--config",
            str(config),
            "serve",
            cwd=config.parent,
            IMPASTO_MEDIA__DIR=str(in_the_way / "media"),
        )
    )
    assert f"the media folder {in_the_way / 'media'} is not writable (Not a directory)" in line
    assert line.endswith("or choose another with IMPASTO_MEDIA__DIR")


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://impasto:s3cret@127.0.0.1:{free_port()}/impasto"
    config = write_config(tmp_path / "config.toml", port=free_port(), database_url=url)
    line = refusal(impasto("--config", str(config), "serve", cwd=tmp_path))
    assert "s3cret" not in line
    assert "cannot use the database at postgresql+asyncpg://impasto:***@127.0.0.1:" in line
    assert "(Connection refused): start PostgreSQL, or correct the host and port in" in line
    assert line.endswith(f"[database] url in {config}")


def test_a_database_not_set_up_says_run_init(tmp_path: Path, databases: DatabaseFactory) -> None:
    config = write_config(
        tmp_path / "config.toml", port=free_port(), database_url=databases.new_url()
    )
    line = refusal(impasto("--config", str(config), "serve", cwd=tmp_path))
    assert "is not set up or not up to date: run `impasto init`" in line
