"""`impasto reply NAME POST PROMPT`: paint a picture as a reply to a post, here or remote."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .posting import Draft, make_post
from .services import Services
from .settings import Settings

POST_HELP = "post id, Note URL or page URL (a remote post is fetched)"


def register(subparsers: Any, commands: dict[str, Any]) -> None:
    """Add `reply` to the `impasto` parser."""
    reply = subparsers.add_parser(
        "reply", help="paint a picture from a prompt as a reply to a post; prints its URL"
    )
    reply.add_argument("name")
    reply.add_argument("post", help=POST_HELP)
    reply.add_argument("prompt")
    reply.add_argument("--alt", help="alt text (default: a sentence made from the prompt)")
    reply.add_argument("--caption", default="", help="the author is @-mentioned in front")
    reply.add_argument("--seed", type=int)
    reply.add_argument("--sensitive", action="store_true")
    commands["reply"] = _reply


def _progress(state: str, detail: str) -> None:
    print(f"{state}{': ' + detail if detail else ''}…", file=sys.stderr, flush=True)


async def _reply(args: argparse.Namespace, settings: Settings) -> int:
    from .cli import with_schema  # cli imports this module's register

    draft = Draft(
        args.name,
        args.prompt,
        alt=args.alt,
        caption=args.caption,
        sensitive=args.sensitive,
        seed=args.seed,
        in_reply_to=args.post,
    )

    async def run(svc: Services) -> int:
        post = await make_post(svc, draft, _progress)
        print(post.url)
        return 0

    return await with_schema(settings, run)
