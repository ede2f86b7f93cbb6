"""`impasto like|unlike|boost|unboost NAME POST`: reacting to a post, here or remote."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import actions
from storage.reactions import ANNOUNCE, LIKE

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers

# verb: (kind, undo?, what it says when done)
REACTIONS = {
    "like": (LIKE, False, "liked"),
    "unlike": (LIKE, True, "unliked"),
    "boost": (ANNOUNCE, False, "boosted"),
    "unboost": (ANNOUNCE, True, "unboosted"),
}
POST_HELP = "post id, Note URL or page URL (a remote post is fetched)"


def register(subparsers: Subparsers) -> None:
    """Add like, unlike, boost and unboost to the `impasto` parser."""
    for verb, (_, undoing, _) in REACTIONS.items():
        what = f"take back a {verb[2:]}" if undoing else f"{verb} a post, here or remote"
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("post", help=POST_HELP)
        parser.set_defaults(run=checked(_reaction))


async def _reaction(args: argparse.Namespace, svc: Services) -> int:
    kind, undoing, said = REACTIONS[args.command]
    if undoing:
        done = await actions.undo(svc, args.name, args.post, kind)
    else:
        done = await actions.react(svc, args.name, args.post, kind)
    note = "" if done.new else f" (already {said})"
    print(f"{said} {done.post.uri}{note}: {done.activity_id}")
    return 0
