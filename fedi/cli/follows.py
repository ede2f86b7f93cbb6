"""`impasto follow|unfollow NAME ACCOUNT` and `impasto requests list|approve|reject`: following
accounts, and deciding on the requests to follow a user who approves them by hand."""

from __future__ import annotations

import argparse

from fedi.cli.run import Subparsers, checked, command_group
from fedi.cli.verbs import ACCOUNT, Verb, add_verbs
from fedi.core.services import Services
from fedi.domain import follows
from fedi.domain.accounts import acting_user
from fedi.federation.as2.captions import handle_of
from storage import follows as follow_rows
from storage.models import Follow


async def _approve(svc: Services, name: str, actor: str) -> None:
    await follows.decide(svc, name, actor, approve=True)


async def _reject(svc: Services, name: str, actor: str) -> None:
    await follows.decide(svc, name, actor, approve=False)


def _sent(follow: Follow, _actor: str) -> str:
    return f"follow request sent ({follow.state}): {follow.uri}"


# `requests approve|reject` (listed without a help line)
DECISIONS = (
    Verb("approve", None, ACCOUNT, _approve, lambda _, actor: f"approved {actor}"),
    Verb("reject", None, ACCOUNT, _reject, lambda _, actor: f"rejected {actor}"),
)
VERBS = (
    Verb("follow", "follow an account, here or remote", ACCOUNT, follows.follow, _sent),
    Verb(
        "unfollow",
        "unfollow an account, here or remote",
        ACCOUNT,
        follows.unfollow,
        lambda _, actor: f"unfollowed {actor}",
    ),
)


def register(subparsers: Subparsers) -> None:
    """Add requests list|approve|reject, follow and unfollow to the `impasto` parser."""
    requests = command_group(subparsers, "requests", "follow requests awaiting approval")
    pending = requests.add_parser("list")
    pending.add_argument("name")
    pending.set_defaults(run=checked(_pending))
    add_verbs(requests, DECISIONS)
    add_verbs(subparsers, VERBS)


async def _pending(args: argparse.Namespace, svc: Services) -> int:
    async with svc.reads() as session:
        account = await acting_user(session, args.name)
        for _, follower in await follow_rows.pending_requests(session, account.id):
            print(f"{handle_of(follower, svc.settings.instance.host)}\t{follower.uri}")
    return 0
