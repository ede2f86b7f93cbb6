"""`impasto user password NAME` and `impasto token create NAME [--scopes ...]`: passwords for
the sign-in page, and API tokens for scripts and bots."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from fedi.cli.run import checked
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import apps, auth


def read_password() -> str:
    """Asked twice without echo on a terminal; otherwise one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            raise UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@checked
async def user_password(args: argparse.Namespace, svc: Services) -> int:
    """Set a user's password; their browser sessions end."""
    await auth.user_account(svc, args.name)  # before asking for a password
    account = await auth.set_password(svc, args.name, read_password())
    print(f"password set for @{account.username}; their web sessions were ended")
    return 0


@checked
async def _token(args: argparse.Namespace, svc: Services) -> int:
    issued = await apps.personal_token(svc, args.name, " ".join(args.scopes))
    print(issued.secret)
    return 0


def register(subparsers: Any, commands: dict[str, Any]) -> None:
    """Add `token create` to the `impasto` command line."""
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
    commands["token"] = _token
