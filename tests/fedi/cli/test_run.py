"""How every `impasto` command runs: database trouble (read-only, unreachable …) is one line
naming the database and what to do, with a non-zero exit and no traceback; ids on the command
line are checked like ids in URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedi.cli.main import main
from tests.support.servers import free_port, run_cli, write_config
from tests.support.trouble import read_only


def _run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str]:
    """Exit status and stderr of one command; nothing may go to stdout."""
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    return code, err


def test_posting_to_a_read_only_database_says_so_in_one_line(
    config_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(config_path, "user", "create", "alice")
    with read_only(db_url):
        code, err = _run(capsys, config_path, "post", "alice", "a lighthouse at dusk")
        assert code != 0
        [line] = err.splitlines()
        assert line.startswith(f"impasto: the database at {db_url} is read-only")
        assert ": check " in line or ": point " in line  # what to do about it
        code, err = _run(capsys, config_path, "user", "create", "bob")
        assert code != 0 and len(err.splitlines()) == 1 and "is read-only" in err
    assert run_cli(config_path, "user", "create", "bob").startswith("created @bob")


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("postgresql+asyncpg://impasto:secret@127.0.0.1:{port}/impasto", "cannot be reached"),
        ("sqlite+aiosqlite:///{tmp}", "cannot be opened"),  # a directory, not a file
    ],
)
@pytest.mark.parametrize("command", [["init"], ["timeline", "alice"], ["user", "create", "x"]])
def test_a_database_that_cannot_be_had_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, cause: str, command: list[str]
) -> None:
    database = url.format(port=free_port(), tmp=tmp_path)  # nothing listens on that port
    config = write_config(tmp_path / "config.toml", port=free_port(), database_url=database)
    code, err = _run(capsys, config, *command)
    assert code != 0
    [line] = err.splitlines()
    assert line.startswith("impasto: the database at ") and f" {cause}" in line
    assert "secret" not in line  # the password stays hidden


@pytest.mark.parametrize(
    "args",
    [
        ["notifications", "alice", "--max-id"],
        ["timeline", "alice", "--max-id"],
        ["timeline", "alice", "--min-id"],
        ["timeline", "alice", "--since-id"],
    ],
)
@pytest.mark.parametrize("number", [str(2**63), "-1", "x"])
def test_an_id_no_row_can_have_is_a_usage_error(
    args: list[str], number: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*args, number])
    assert exit_.value.code == 2
    assert f"not an id: '{number}'" in capsys.readouterr().err
