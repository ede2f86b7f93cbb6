"""`impasto reply NAME POST PROMPT`: paint a picture as a reply to a post, here or remote."""

from __future__ import annotations

import argparse
from typing import Any

from fedi.cli.run import checked, print_progress
from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post

POST_HELP = "post id, Note URL or page URL (a remote post is fetched)"
CW_HELP = "content warning (Mastodon's spoiler text), shown in front; makes the post sensitive"


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
    reply.add_argument("--cw", default="", help=CW_HELP)
    commands["reply"] = _reply


@checked
async def _reply(args: argparse.Namespace, svc: Services) -> int:
    draft = Draft(
        args.name,
        args.prompt,
        alt=args.alt,
        caption=args.caption,
        sensitive=args.sensitive,
        seed=args.seed,
        in_reply_to=args.post,
        content_warning=args.cw,
    )
    return await paint(svc, draft)


async def paint(svc: Services, draft: Draft) -> int:
    """Paint and publish a draft (`impasto post` and `reply`): progress on stderr, the post's
    URL on stdout."""
    post = await make_post(svc, draft, print_progress)
    print(post.url)
    return 0
