"""`impasto block/unblock/blocks/pin/unpin/edit`: a user managing whom they hear and their own
posts."""

from __future__ import annotations

import argparse
from typing import Any

from fedi.cli.run import checked
from fedi.core.services import Services
from fedi.domain import blocks, pins
from fedi.domain.edits import Edit, edit


@checked
async def _block(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "block":
        done = await blocks.block(svc, args.name, args.actor)
        print(f"blocked {args.actor}" if done else f"{args.actor} was blocked already")
    else:
        await blocks.unblock(svc, args.name, args.actor)
        print(f"unblocked {args.actor}")
    return 0


@checked
async def _blocks(args: argparse.Namespace, svc: Services) -> int:
    for handle, uri in await blocks.listing(svc, args.name):
        print(f"{handle}\t{uri}")
    return 0


@checked
async def _pin(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "pin":
        post = await pins.pin(svc, args.name, args.post)
        print(f"pinned {post.url or post.uri}")
    else:
        await pins.unpin(svc, args.name, args.post)
        print(f"unpinned {args.post}")
    return 0


@checked
async def _edit(args: argparse.Namespace, svc: Services) -> int:
    change = Edit(
        caption=args.caption, alt=args.alt, sensitive=args.sensitive, content_warning=args.cw
    )
    post = await edit(svc, args.name, args.post, change)
    print(f"edited {post.url or post.uri}")
    return 0


def register(subparsers: Any, commands: dict[str, Any]) -> None:
    """Add block, unblock, blocks, pin, unpin and edit to the `impasto` command line."""
    for verb, what in (("block", "block an account"), ("unblock", "lift a block")):
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("actor", help="a local name, user@host handle or actor URL")
        commands[verb] = _block
    subparsers.add_parser("blocks", help="accounts a user blocks").add_argument("name")
    commands["blocks"] = _blocks
    for verb, what in (("pin", "pin an own public post (at most 5)"), ("unpin", "unpin a post")):
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("post", help="post id, Note URL or page URL")
        commands[verb] = _pin
    parser = subparsers.add_parser("edit", help="edit an own post; followers see the change")
    parser.add_argument("name")
    parser.add_argument("post", help="post id, Note URL or page URL")
    parser.add_argument("--caption", help="the new caption (the model line is kept)")
    parser.add_argument("--alt", help='the new alt text of the image ("": made from the prompt)')
    parser.add_argument("--sensitive", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument(
        "--cw", help='the new content warning (makes the post sensitive); "" removes it'
    )
    commands["edit"] = _edit
