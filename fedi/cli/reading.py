"""`impasto timeline NAME [--local|--federated]`, `impasto thread NAME POST` and
`impasto notifications NAME`: what a user reads, as lines or as JSON (--json)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fedi.cli.run import checked, id_argument, line, print_json
from fedi.core.services import Services
from fedi.domain import notifications, threads, timelines

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add timeline, thread and notifications to the `impasto` parser."""
    _register_timeline(subparsers)
    thread = subparsers.add_parser(
        "thread", help="a post with the posts it answers and the replies to it"
    )
    thread.add_argument("name")
    thread.add_argument("post", help="post id, Note URL or page URL (a remote post is fetched)")
    thread.add_argument("--json", action="store_true", help="a JSON object")
    thread.set_defaults(run=checked(_thread))
    listing = _listing_parser(subparsers, "notifications", "notifications")
    listing.set_defaults(run=checked(_notifications))


def _listing_parser(subparsers: Subparsers, command: str, what: str) -> argparse.ArgumentParser:
    """A command listing a user's entries newest first, a page at a time (timeline and
    notifications)."""
    parser = subparsers.add_parser(command, help=f"a user's {what}, newest first")
    parser.add_argument("name")
    parser.add_argument("--json", action="store_true", help="a JSON array")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--max-id", type=id_argument, help="continue below this id")
    return parser


def _register_timeline(subparsers: Subparsers) -> None:
    timeline = _listing_parser(subparsers, "timeline", "home timeline")
    kind = timeline.add_mutually_exclusive_group()
    kind.add_argument(
        "--local",
        dest="kind",
        action="store_const",
        const=timelines.LOCAL,
        help="public posts made here",
    )
    kind.add_argument(
        "--federated",
        dest="kind",
        action="store_const",
        const=timelines.FEDERATED,
        help="every public post this server has",
    )
    # Mastodon's paging: since_id gives the newest entries above an id, min_id those right
    # above it; both print newest first.
    timeline.add_argument("--since-id", type=id_argument, help="only entries newer than this id")
    timeline.add_argument("--min-id", type=id_argument, help="the entries right above this id")
    timeline.set_defaults(kind=timelines.HOME, run=checked(_timeline))


async def _timeline(args: argparse.Namespace, svc: Services) -> int:
    entries = await timelines.timeline(
        svc,
        args.name,
        args.kind,
        limit=args.limit,
        max_id=args.max_id,
        since_id=args.since_id,
        min_id=args.min_id,
    )
    if args.json:
        print_json(entries)
        return 0
    for entry in entries:
        print(line(entry["id"], _who(entry), entry["created_at"], entry["text"]))
    return 0


async def _notifications(args: argparse.Namespace, svc: Services) -> int:
    entries = await notifications.listing(svc, args.name, limit=args.limit, max_id=args.max_id)
    if args.json:
        print_json(entries)
        return 0
    for entry in entries:
        print(line(entry["id"], entry["type"], entry["account"], entry["status"] or ""))
    return 0


async def _thread(args: argparse.Namespace, svc: Services) -> int:
    found = await threads.as_records(svc, await threads.context(svc, args.name, args.post))
    if args.json:
        print_json(found)
        return 0
    for entry in found["ancestors"]:
        print(_post_line("  ", entry))
    post = found["post"]
    print(_post_line("> ", post))
    depth = {post["uri"]: 0}
    for entry in found["descendants"]:
        depth[entry["uri"]] = level = depth.get(entry["in_reply_to"], 0) + 1
        print(_post_line("  " * (level + 1), entry))
    return 0


def _who(entry: dict[str, Any]) -> str:
    """The author, and who boosted the post when the entry is a boost."""
    booster = entry["boosted_by"]
    return f"{entry['account']} (boosted by {booster})" if booster else str(entry["account"])


def _post_line(indent: str, entry: dict[str, Any]) -> str:
    """A thread's post, indented by how deep it is."""
    return indent + line(entry["id"], entry["account"], entry["created_at"], entry["text"])
