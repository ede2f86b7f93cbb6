"""`impasto block|unblock NAME ACCOUNT` and `impasto blocks NAME`: whom a user does not hear."""

from __future__ import annotations

import argparse

from fedi.cli.run import Subparsers, checked
from fedi.cli.verbs import ACCOUNT, Verb, add_verbs
from fedi.core.services import Services
from fedi.domain import blocks


def _blocked(done: bool, actor: str) -> str:
    return f"blocked {actor}" if done else f"{actor} was blocked already"


VERBS = (
    Verb("block", "block an account", ACCOUNT, blocks.block, _blocked),
    Verb("unblock", "lift a block", ACCOUNT, blocks.unblock, lambda _, actor: f"unblocked {actor}"),
)


def register(subparsers: Subparsers) -> None:
    """Add block, unblock and blocks to the `impasto` parser."""
    add_verbs(subparsers, VERBS)
    listing = subparsers.add_parser("blocks", help="accounts a user blocks")
    listing.add_argument("name")
    listing.set_defaults(run=checked(_blocks))


async def _blocks(args: argparse.Namespace, svc: Services) -> int:
    for handle, uri in await blocks.listing(svc, args.name):
        print(f"{handle}\t{uri}")
    return 0
