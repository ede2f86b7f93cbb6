"""`impasto post|reply|edit|delete|pin|unpin`: a user's own posts — painting one from a prompt
(as a reply too), changing it, deleting it, pinning it to the profile."""

from __future__ import annotations

import argparse

from fedi.cli.run import Subparsers, checked, print_progress
from fedi.cli.verbs import OWN_POST, POST, Verb, add_verbs
from fedi.core.services import Services
from fedi.domain import deletes, pins
from fedi.domain.edits import Edit, edit
from fedi.domain.posting import Draft, make_post
from fedi.domain.reactions import Done
from fedi.federation.audience import VISIBILITIES
from storage.models import Post

CW_HELP = "content warning (Mastodon's spoiler text), shown in front; makes the post sensitive"


def _deleted(done: Done, _post: str) -> str:
    return f"deleted {done.post.uri}: {done.activity_id}"


def _pinned(post: Post, _reference: str) -> str:
    return f"pinned {post.url or post.uri}"


VERBS = (
    Verb("delete", "delete one of your posts, everywhere", OWN_POST, deletes.delete_post, _deleted),
    Verb("pin", "pin an own public post (at most 5)", OWN_POST, pins.pin, _pinned),
    Verb("unpin", "unpin a post", OWN_POST, pins.unpin, lambda _, post: f"unpinned {post}"),
)


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
    reply.add_argument(POST.dest, help=POST.help)
    reply.add_argument("prompt")
    _painting_options(reply, caption_help="the author is @-mentioned in front")
    reply.set_defaults(run=checked(_reply))

    _register_edit(subparsers)
    add_verbs(subparsers, VERBS)


def _painting_options(parser: argparse.ArgumentParser, caption_help: str | None) -> None:
    """The options of a picture painted from a prompt (`post` and `reply`)."""
    parser.add_argument("--alt", help="alt text (default: a sentence made from the prompt)")
    parser.add_argument("--caption", default="", help=caption_help)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--sensitive", action="store_true")
    parser.add_argument("--cw", default="", help=CW_HELP)
    parser.add_argument(
        "--visibility",
        choices=VISIBILITIES,
        metavar="V",
        default="public",
        help="who sees it: public (default), unlisted (not in public timelines), private "
        "(followers only) or direct (only those the caption mentions)",
    )


def _register_edit(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("edit", help="edit an own post; followers see the change")
    parser.add_argument("name")
    parser.add_argument(OWN_POST.dest, help=OWN_POST.help)
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
        visibility=args.visibility,
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
