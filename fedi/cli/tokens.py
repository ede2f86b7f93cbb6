"""`impasto token create NAME [--scopes ...]`: API tokens for scripts and bots."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import apps

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add `token create` to the `impasto` parser."""
    token = subparsers.add_parser("token", help="API access tokens").add_subparsers(
        dest="action", required=True
    )
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
