"""`impasto block|unblock NAME ACCOUNT` and `impasto blocks NAME`: whom a user does not hear."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import blocks

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add block, unblock and blocks to the `impasto` parser."""
    for verb, what in (("block", "block an account"), ("unblock", "lift a block")):
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("actor", help="a local name, user@host handle or actor URL")
        parser.set_defaults(run=checked(_block))
    listing = subparsers.add_parser("blocks", help="accounts a user blocks")
    listing.add_argument("name")
    listing.set_defaults(run=checked(_blocks))


async def _block(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "block":
        done = await blocks.block(svc, args.name, args.actor)
        print(f"blocked {args.actor}" if done else f"{args.actor} was blocked already")
    else:
        await blocks.unblock(svc, args.name, args.actor)
        print(f"unblocked {args.actor}")
    return 0


async def _blocks(args: argparse.Namespace, svc: Services) -> int:
    for handle, uri in await blocks.listing(svc, args.name):
        print(f"{handle}\t{uri}")
    return 0
