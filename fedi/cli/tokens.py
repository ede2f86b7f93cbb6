"""`impasto token create NAME [--scopes ...]`: API tokens for scripts and bots."""

from __future__ import annotations

import argparse

from fedi.cli.run import Subparsers, checked, command_group
from fedi.core.services import Services
from fedi.domain import apps


def register(subparsers: Subparsers) -> None:
    """Add `token create` to the `impasto` parser."""
    token = command_group(subparsers, "token", "API access tokens")
    create = token.add_parser(
        "create", help="print a new API token of a user, for scripts and bots"
    )
    create.add_argument("name")
    create.add_argument(
        "--scopes",
        nargs="+",
        default=["read"],
        metavar="SCOPE",
        help="read, write, follow, push or granular ones such as write:statuses (default: read)",
    )
    create.set_defaults(run=checked(_create))


async def _create(args: argparse.Namespace, svc: Services) -> int:
    issued = await apps.personal_token(svc, args.name, " ".join(args.scopes))
    print(issued.secret)
    return 0
