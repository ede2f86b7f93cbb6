"""`impasto admin block-domain|unblock-domain HOST` and `impasto admin blocked-domains`: the
servers this instance is cut off from."""

from __future__ import annotations

import argparse

from fedi.cli.run import Subparsers, checked, command_group
from fedi.core.services import Services
from fedi.domain import moderation
from storage import domain_blocks


def register(subparsers: Subparsers) -> None:
    """Add `admin block-domain|unblock-domain|blocked-domains` to the `impasto` parser."""
    admin = command_group(subparsers, "admin", "instance moderation")
    for verb, what in (("block-domain", "cut a server off"), ("unblock-domain", "lift a block")):
        change = admin.add_parser(verb, help=what)
        change.add_argument("domain", help="host or host:port")
        if verb == "block-domain":
            change.add_argument("--reason", default="", help="why, for the admins (/admin)")
        change.set_defaults(run=checked(_change))
    listing = admin.add_parser("blocked-domains", help="list blocked servers")
    listing.set_defaults(run=checked(_blocked_domains))


async def _change(args: argparse.Namespace, svc: Services) -> int:
    if args.action == "block-domain":  # as the admin pages do (fedi.domain.moderation)
        done = await moderation.block_domain(svc, args.domain, args.reason)
    else:
        done = await moderation.unblock_domain(svc, args.domain)
    verb = "blocked" if args.action == "block-domain" else "unblocked"
    print(f"{verb} {domain_blocks.normalise(args.domain)}" if done else "nothing to change")
    return 0


async def _blocked_domains(args: argparse.Namespace, svc: Services) -> int:
    async with svc.reads() as session:
        for domain in sorted(await domain_blocks.all_domains(session)):
            print(domain)
    return 0
