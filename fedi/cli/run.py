"""How an `impasto` subcommand runs and prints: with services, on an up-to-date database,
stoppable by SIGTERM, its lines and JSON printed one way.

Every command group (fedi/cli/<group>.py) uses these; fedi/cli/main.py imports the groups, so
they cannot import it back."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeAlias

from fedi.core.services import Services
from fedi.core.settings import ConfigError, Settings
from storage.ids import parse_id
from storage.migrate import current_revision, head_revision

# What a group's register() adds its subcommands to (a string: argparse's class is not
# subscriptable at run time).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# A subcommand, as its parser names it with set_defaults(run=...): main() calls it with the
# parsed arguments and the loaded settings.
Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
# Most subcommands are written as an Action on the services, made a Command by `checked`.
Action = Callable[[argparse.Namespace, Services], Awaitable[int]]


class Terminated(Exception):
    """SIGTERM stopped the command, which was cancelled as Ctrl-C cancels it."""


async def stoppable(work: Coroutine[Any, Any, int]) -> int:
    """Run a command so that SIGTERM stops it as Ctrl-C does: its task is cancelled, so work in
    progress is given up through the same cleanup (a generation frees its slot), and then
    Terminated is raised. (Python's default for SIGTERM ends the process on the spot.)"""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, terminate)  # `serve` puts its own in its place
    except (ValueError, RuntimeError):  # not the main thread (a test calling main() in one)
        return await work
    try:
        return await work
    except asyncio.CancelledError:
        if terminated:
            raise Terminated from None
        raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


async def with_services(settings: Settings, work: Callable[[Services], Awaitable[int]]) -> int:
    """Run `work` with services, closed afterwards."""
    svc = Services.create(settings)
    try:
        return await work(svc)
    finally:
        await svc.close()


async def require_schema(svc: Services) -> None:
    """Refuse a database that `impasto init` has not set up or brought up to date."""
    if await current_revision(svc.engine) != head_revision():
        raise ConfigError(
            f"the database at {svc.settings.database.redacted_url} is not set up or not up to "
            "date: run `impasto init`"
        )


async def with_schema(settings: Settings, work: Callable[[Services], Awaitable[int]]) -> int:
    """Run `work` with services on a database that is set up and up to date."""

    async def checked(svc: Services) -> int:
        await require_schema(svc)
        return await work(svc)

    return await with_services(settings, checked)


def checked(action: Action) -> Command:
    """A subcommand that runs `action(args, svc)` by `with_schema`."""

    async def command(args: argparse.Namespace, settings: Settings) -> int:
        return await with_schema(settings, lambda svc: action(args, svc))

    return command


def command_group(subparsers: Subparsers, name: str, what: str) -> Subparsers:
    """A subcommand with subcommands of its own (`impasto user create`): the one chosen is
    `args.action`."""
    return subparsers.add_parser(name, help=what).add_subparsers(dest="action", required=True)


def print_progress(state: str, detail: str) -> None:
    """Progress of painting on stderr, so stdout carries only the post's URL."""
    print(f"{state}{': ' + detail if detail else ''}…", file=sys.stderr, flush=True)


def print_json(value: object) -> None:
    """`--json` output: indented, non-ASCII kept."""
    print(json.dumps(value, indent=2, ensure_ascii=False))


def line(*fields: str) -> str:
    """Tab-separated fields on one line."""
    return "\t".join(field.replace("\n", " ") for field in fields)


def id_argument(text: str) -> int:
    """An argparse type for ids (--max-id …): a number no row can have is a usage error."""
    number = parse_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return number
