"""`impasto like|unlike|boost|unboost|delete NAME POST` and `impasto user delete NAME`."""

from __future__ import annotations

import argparse
from typing import Any

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import deletes, reactions
from fedi.domain.deletes import delete_account

# verb: (the action, undo?, what it says when done)
REACTIONS = {
    "like": (reactions.like, False, "liked"),
    "unlike": (reactions.unlike, True, "unliked"),
    "boost": (reactions.boost, False, "boosted"),
    "unboost": (reactions.unboost, True, "unboosted"),
}
POST_HELP = "post id, Note URL or page URL (a remote post is fetched)"


def register(subparsers: Any, commands: dict[str, Any]) -> None:
    """Add the action subcommands to the `impasto` parser."""
    for verb, (_, undoing, _) in REACTIONS.items():
        what = f"take back a {verb[2:]}" if undoing else f"{verb} a post, here or remote"
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("post", help=POST_HELP)
        commands[verb] = _reaction
    delete = subparsers.add_parser("delete", help="delete one of your posts, everywhere")
    delete.add_argument("name")
    delete.add_argument("post", help="post id, Note URL or page URL")
    commands["delete"] = _delete


@checked
async def _reaction(args: argparse.Namespace, svc: Services) -> int:
    act, _, said = REACTIONS[args.command]
    done = await act(svc, args.name, args.post)
    note = "" if done.new else f" (already {said})"
    print(f"{said} {done.post.uri}{note}: {done.activity_id}")
    return 0


@checked
async def _delete(args: argparse.Namespace, svc: Services) -> int:
    done = await deletes.delete_post(svc, args.name, args.post)
    print(f"deleted {done.post.uri}: {done.activity_id}")
    return 0


@checked
async def user_delete(args: argparse.Namespace, svc: Services) -> int:
    """`impasto user delete NAME`: the account's deletion, federated."""
    count = await delete_account(svc, args.name)
    print(f"deleted {args.name}; the Delete goes to {count} inbox(es)")
    return 0
