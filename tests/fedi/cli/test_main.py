"""The `impasto` parser: every command README.md's "Command line" block lists is registered (a
group module that forgets to register fails here), the block lists every registered command,
and every subcommand names what runs it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from fedi.cli.main import main, parser

ROOT = Path(__file__).resolve().parents[3]
PREFIX = "impasto [--config PATH] "


def _readme_commands() -> set[tuple[str, ...]]:
    """("like",), ("user", "create"), … from the README's "Command line" block."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Command line\n") :]
    start = section.index("```\n") + 4
    block = section[start : section.index("\n```", start)]
    commands: set[tuple[str, ...]] = set()
    for line in block.splitlines():
        assert line.startswith(PREFIX), line
        first, *rest = line.removeprefix(PREFIX).split()
        # A second word in lower case names a subcommand (`user create`, `admin blocked-domains`);
        # NAME, POST, HOST and the options do not.
        subs = rest[0].split("|") if rest and re.fullmatch(r"[a-z|-]+", rest[0]) else []
        for command in first.split("|"):
            commands.update([(command, sub) for sub in subs] or [(command,)])
    return commands


def _choices(capsys: pytest.CaptureFixture[str], *command: str) -> list[str]:
    """The subcommands `impasto COMMAND --help` lists ([] when it has none)."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    usage = capsys.readouterr().out.split("\n\n")[0]
    found = re.search(r"\{([a-z,-]+)\}", usage)
    return found.group(1).split(",") if found else []


def _registered(capsys: pytest.CaptureFixture[str]) -> set[tuple[str, ...]]:
    """Every command as `impasto --help` and each command's help list it."""
    commands: set[tuple[str, ...]] = set()
    for command in _choices(capsys):
        subcommands = _choices(capsys, command)
        commands.update([(command, sub) for sub in subcommands] or [(command,)])
    return commands


def test_every_command_in_the_readme_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    documented = _readme_commands()
    assert ("init",) in documented and ("admin", "blocked-domains") in documented  # it parses
    assert documented - _registered(capsys) == set()


def test_the_readme_lists_every_registered_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _registered(capsys) - _readme_commands() == set()


def _leaves(command: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of the commands that run something (not `user`, but `user create`)."""
    groups = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        return [command]
    return [leaf for group in groups for sub in group.choices.values() for leaf in _leaves(sub)]


def test_every_command_names_what_runs_it() -> None:
    leaves = _leaves(parser())
    assert len(leaves) == len(_readme_commands())
    for leaf in leaves:
        assert callable(leaf.get_default("run")), leaf.prog
