"""The do-or-undo commands, `impasto VERB NAME TARGET`: one domain action of user NAME on a post
or an account, then one line saying what it did (like, boost, pin, follow, block, their undoing,
delete, requests approve|reject). A group lists its verbs; `add_verbs` makes them subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fedi.cli.run import Subparsers, checked
from fedi.core.services import Services

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """What a verb acts on: the name of its second argument, and its help."""

    dest: str
    help: str


POST = Target("post", "post id, Note URL or page URL (a remote post is fetched)")
OWN_POST = Target("post", "post id, Note URL or page URL")  # never fetched: it is ours
ACCOUNT = Target("actor", "a local name, user@host handle or actor URL")


@dataclass(frozen=True)
class Verb(Generic[T]):
    """`impasto VERB NAME TARGET`: `act(svc, NAME, TARGET)`, then the line `said(done, TARGET)`
    of what `act` returned."""

    name: str
    help: str | None  # None: the subcommand is listed without a help line
    target: Target
    act: Callable[[Services, str, str], Awaitable[T]]
    said: Callable[[T, str], str]

    async def run(self, args: argparse.Namespace, svc: Services) -> int:
        """Do the action and print its outcome."""
        target = getattr(args, self.target.dest)
        print(self.said(await self.act(svc, args.name, target), target))
        return 0


def add_verbs(subparsers: Subparsers, verbs: Iterable[Verb[Any]]) -> None:
    """Add each verb as a subcommand taking NAME and its target."""
    for verb in verbs:
        if verb.help is None:
            parser = subparsers.add_parser(verb.name)  # a help of None would list an empty line
        else:
            parser = subparsers.add_parser(verb.name, help=verb.help)
        parser.add_argument("name")
        parser.add_argument(verb.target.dest, help=verb.target.help)
        parser.set_defaults(run=checked(verb.run))
