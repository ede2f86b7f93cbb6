"""`impasto timeline NAME [--local|--federated]`, `impasto thread NAME POST` and
`impasto notifications NAME`: what a user reads, as lines or as JSON (--json)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from typing import Any

from fedi.cli.run import Subparsers, checked, id_argument, line, print_json
from fedi.core.services import Services
from fedi.domain import notifications, threads, timelines


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
    kinds = timeline.add_mutually_exclusive_group()
    for flag, kind, what in (
        ("--local", timelines.LOCAL, "public posts made here"),
        ("--federated", timelines.FEDERATED, "every public post this server has"),
    ):
        kinds.add_argument(flag, dest="kind", action="store_const", const=kind, help=what)
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
    lines = (
        line(entry["id"], _who(entry), entry["created_at"], entry["text"]) for entry in entries
    )
    return _show(args, entries, lines)


async def _notifications(args: argparse.Namespace, svc: Services) -> int:
    entries = await notifications.listing(svc, args.name, limit=args.limit, max_id=args.max_id)
    lines = (
        line(entry["id"], entry["type"], entry["account"], entry["status"] or "")
        for entry in entries
    )
    return _show(args, entries, lines)


async def _thread(args: argparse.Namespace, svc: Services) -> int:
    found = await threads.as_records(svc, await threads.context(svc, args.name, args.post))
    return _show(args, found, _thread_lines(found))


def _show(args: argparse.Namespace, found: object, lines: Iterable[str]) -> int:
    """Print what was found as JSON with --json, else as its lines (made only then)."""
    if args.json:
        print_json(found)
        return 0
    for text in lines:
        print(text)
    return 0


def _thread_lines(found: dict[str, Any]) -> Iterator[str]:
    """The posts a post answers, the post (marked >), then the replies indented by depth."""
    for entry in found["ancestors"]:
        yield _post_line("  ", entry)
    post = found["post"]
    yield _post_line("> ", post)
    depth = {post["uri"]: 0}
    for entry in found["descendants"]:
        depth[entry["uri"]] = level = depth.get(entry["in_reply_to"], 0) + 1
        yield _post_line("  " * (level + 1), entry)


def _who(entry: dict[str, Any]) -> str:
    """The author, and who boosted the post when the entry is a boost."""
    booster = entry["boosted_by"]
    return f"{entry['account']} (boosted by {booster})" if booster else str(entry["account"])


def _post_line(indent: str, entry: dict[str, Any]) -> str:
    """A thread's post, indented by how deep it is."""
    return indent + line(entry["id"], entry["account"], entry["created_at"], entry["text"])
