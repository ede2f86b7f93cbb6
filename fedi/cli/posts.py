"""`impasto post|reply|edit|delete|pin|unpin`: a user's own posts — painting one from a prompt
(as a reply too), changing it, deleting it, pinning it to the profile."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fedi.cli.run import checked, print_progress
from fedi.core.services import Services
from fedi.domain import actions, pins
from fedi.domain.posting import Draft, make_post
from fedi.domain.updates import Edit, edit

if TYPE_CHECKING:
    from fedi.cli.run import Subparsers

POST_HELP = "post id, Note URL or page URL (a remote post is fetched)"
CW_HELP = "content warning (Mastodon's spoiler text), shown in front; makes the post sensitive"


def register(subparsers: Subparsers) -> None:
    """Add post, reply, edit, delete, pin and unpin to the `impasto` parser."""
    post = subparsers.add_parser(
        "post", help="paint a picture from a prompt and post it; prints its URL"
    )
    post.add_argument("name")
    post.add_argument("prompt")
    _painting_options(post, caption_help=None)
    post.add_argument("--reply-to", help="reply to this post (id, Note URL or page URL)")
    post.set_defaults(run=checked(_post))

    reply = subparsers.add_parser(
        "reply", help="paint a picture from a prompt as a reply to a post; prints its URL"
    )
    reply.add_argument("name")
    reply.add_argument("post", help=POST_HELP)
    reply.add_argument("prompt")
    _painting_options(reply, caption_help="the author is @-mentioned in front")
    reply.set_defaults(run=checked(_reply))

    _register_edit(subparsers)
    delete = subparsers.add_parser("delete", help="delete one of your posts, everywhere")
    delete.add_argument("name")
    delete.add_argument("post", help="post id, Note URL or page URL")
    delete.set_defaults(run=checked(_delete))
    for verb, what in (("pin", "pin an own public post (at most 5)"), ("unpin", "unpin a post")):
        parser = subparsers.add_parser(verb, help=what)
        parser.add_argument("name")
        parser.add_argument("post", help="post id, Note URL or page URL")
        parser.set_defaults(run=checked(_pin))


def _painting_options(parser: argparse.ArgumentParser, caption_help: str | None) -> None:
    """The options of a picture painted from a prompt (`post` and `reply`)."""
    parser.add_argument("--alt", help="alt text (default: a sentence made from the prompt)")
    parser.add_argument("--caption", default="", help=caption_help)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--sensitive", action="store_true")
    parser.add_argument("--cw", default="", help=CW_HELP)


def _register_edit(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("edit", help="edit an own post; followers see the change")
    parser.add_argument("name")
    parser.add_argument("post", help="post id, Note URL or page URL")
    parser.add_argument("--caption", help="the new caption (the model line is kept)")
    parser.add_argument("--alt", help='the new alt text of the image ("": made from the prompt)')
    parser.add_argument("--sensitive", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument(
        "--cw", help='the new content warning (makes the post sensitive); "" removes it'
    )
    parser.set_defaults(run=checked(_edit))


async def _post(args: argparse.Namespace, svc: Services) -> int:
    return await _paint(args, svc, in_reply_to=args.reply_to)


async def _reply(args: argparse.Namespace, svc: Services) -> int:
    return await _paint(args, svc, in_reply_to=args.post)


async def _paint(args: argparse.Namespace, svc: Services, in_reply_to: str | None) -> int:
    """Paint and publish a picture: progress on stderr, the post's URL on stdout."""
    draft = Draft(
        args.name,
        args.prompt,
        alt=args.alt,
        caption=args.caption,
        sensitive=args.sensitive,
        seed=args.seed,
        in_reply_to=in_reply_to,
        content_warning=args.cw,
    )
    post = await make_post(svc, draft, print_progress)
    print(post.url)
    return 0


async def _edit(args: argparse.Namespace, svc: Services) -> int:
    change = Edit(
        caption=args.caption, alt=args.alt, sensitive=args.sensitive, content_warning=args.cw
    )
    post = await edit(svc, args.name, args.post, change)
    print(f"edited {post.url or post.uri}")
    return 0


async def _delete(args: argparse.Namespace, svc: Services) -> int:
    done = await actions.delete_post(svc, args.name, args.post)
    print(f"deleted {done.post.uri}: {done.activity_id}")
    return 0


async def _pin(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "pin":
        post = await pins.pin(svc, args.name, args.post)
        print(f"pinned {post.url or post.uri}")
    else:
        await pins.unpin(svc, args.name, args.post)
        print(f"unpinned {args.post}")
    return 0
