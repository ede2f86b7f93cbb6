"""`impasto user create|delete|password NAME`: the accounts of this server, and the passwords of
the sign-in page."""

from __future__ import annotations

import argparse
import getpass
import sys

from fedi.cli.run import Subparsers, checked, command_group
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import auth, moderation
from fedi.domain.accounts import create_user
from fedi.domain.deletes import delete_account


def register(subparsers: Subparsers) -> None:
    """Add `user create`, `user delete` and `user password` to the `impasto` parser."""
    user = command_group(subparsers, "user", "manage local users")
    create = user.add_parser(
        "create", help="create a local user; prints its handle and profile page"
    )
    create.add_argument("name")
    create.add_argument("--password")
    create.add_argument("--display-name")
    create.add_argument(
        "--manual-approval",
        action="store_true",
        help="follow requests wait for `impasto requests approve`",
    )
    create.add_argument("--admin", action="store_true", help="may use the /admin pages")
    create.set_defaults(run=checked(_create))
    delete = user.add_parser("delete", help="delete a local user; the deletion federates")
    delete.add_argument("name")
    delete.set_defaults(run=checked(_delete))
    password = user.add_parser(
        "password", help="set a user's password (asked without echo, or one line of stdin)"
    )
    password.add_argument("name")
    password.set_defaults(run=checked(_password))
    admin = user.add_parser("admin", help="let a user use the /admin pages (or, --remove, not)")
    admin.add_argument("name")
    admin.add_argument("--remove", action="store_true", help="no longer an admin")
    admin.set_defaults(run=checked(_admin))
    for verb, what in (("suspend", "suspend a user (sessions end)"), ("unsuspend", "lift it")):
        change = user.add_parser(verb, help=what)
        change.add_argument("name")
        change.set_defaults(run=checked(_suspend), suspend=verb == "suspend")


async def _create(args: argparse.Namespace, svc: Services) -> int:
    account = await create_user(
        svc,
        args.name,
        password=args.password,
        display_name=args.display_name,
        manually_approves=args.manual_approval,
        admin=args.admin,
    )
    handle = f"@{account.username}@{svc.settings.instance.host}"
    print(f"created {handle} — profile: {svc.urls.profile(account.username)}")
    return 0


async def _delete(args: argparse.Namespace, svc: Services) -> int:
    """The account's deletion, federated (the operator may delete a suspended user too)."""
    count = await delete_account(svc, args.name, suspended_too=True)
    print(f"deleted {args.name}; the Delete goes to {count} inbox(es)")
    return 0


async def _admin(args: argparse.Namespace, svc: Services) -> int:
    await moderation.set_admin(svc, args.name, not args.remove)
    print(f"{args.name} is {'no longer' if args.remove else 'now'} an admin")
    return 0


async def _suspend(args: argparse.Namespace, svc: Services) -> int:
    if args.suspend:
        await moderation.suspend(svc, args.name)
    else:
        await moderation.unsuspend(svc, args.name)
    print(f"{args.name} {'suspended' if args.suspend else 'unsuspended'}")
    return 0


async def _password(args: argparse.Namespace, svc: Services) -> int:
    """Set a user's password; their browser sessions end."""
    await auth.user_account(svc, args.name)  # before asking for a password
    account = await auth.set_password(svc, args.name, read_password())
    print(f"password set for @{account.username}; their web sessions were ended")
    return 0


def read_password() -> str:
    """Asked twice without echo on a terminal; otherwise one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            raise UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")
