"""How every `impasto` command runs (fedi/cli_run.py): ids on the command line are checked
like ids in URLs."""

from __future__ import annotations

import pytest

from fedi.cli import main


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
