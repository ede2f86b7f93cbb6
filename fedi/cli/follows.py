"""`impasto follow|unfollow NAME ACCOUNT` and `impasto requests list|approve|reject`: following
accounts, and deciding on the requests to follow a user who approves them by hand."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import follows
from fedi.domain.follows import FollowError
from fedi.federation.captions import handle_of
from storage import accounts
from storage import follows as follow_rows

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers

ACTOR_HELP = "a local name, user@host handle or actor URL"


def register(subparsers: Subparsers) -> None:
    """Add requests list|approve|reject, follow and unfollow to the `impasto` parser."""
    requests = subparsers.add_parser(
        "requests", help="follow requests awaiting approval"
    ).add_subparsers(dest="action", required=True)
    pending = requests.add_parser("list")
    pending.add_argument("name")
    pending.set_defaults(run=checked(_pending))
    for verb in ("approve", "reject"):
        decide = requests.add_parser(verb)
        decide.add_argument("name")
        decide.add_argument("actor", help=ACTOR_HELP)
        decide.set_defaults(run=checked(_decide))

    for verb in ("follow", "unfollow"):
        relation = subparsers.add_parser(verb, help=f"{verb} an account, here or remote")
        relation.add_argument("name")
        relation.add_argument("actor", help=ACTOR_HELP)
        relation.set_defaults(run=checked(_relation))


async def _pending(args: argparse.Namespace, svc: Services) -> int:
    async with svc.reads() as session:
        account = await accounts.local_account(session, args.name)
        if account is None:
            raise FollowError(f"no local user {args.name!r}")
        for _, follower in await follow_rows.pending_requests(session, account.id):
            print(f"{handle_of(follower, svc.settings.instance.host)}\t{follower.uri}")
    return 0


async def _decide(args: argparse.Namespace, svc: Services) -> int:
    await follows.decide(svc, args.name, args.actor, approve=args.action == "approve")
    print(f"{args.action}d {args.actor}")
    return 0


async def _relation(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "follow":
        follow = await follows.follow(svc, args.name, args.actor)
        print(f"follow request sent ({follow.state}): {follow.uri}")
    else:
        await follows.unfollow(svc, args.name, args.actor)
        print(f"unfollowed {args.actor}")
    return 0
