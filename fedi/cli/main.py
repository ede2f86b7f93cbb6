"""The `impasto` command line: init, user create, serve, post, follow requests, follows."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy.exc import DBAPIError

from fedi.cli import actions as cli_actions
from fedi.cli import auth as cli_auth
from fedi.cli import manage as cli_manage
from fedi.cli import replies as cli_replies
from fedi.cli import timelines as cli_timelines
from fedi.cli.run import (
    Command,
    Terminated,
    checked,
    id_argument,
    line,
    print_json,
    stoppable,
    with_services,
)
from fedi.cli.run import with_schema as with_schema  # for the fedi/cli_<area>.py modules
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.core.settings import ConfigError, Settings, config_path, load_settings, origin
from fedi.domain import follows, notifications
from fedi.domain.accounts import acting_user, create_user, ensure_instance_actor
from fedi.domain.posting import Draft
from generators.base import BackendConfigError
from storage import domain_blocks
from storage.migrate import upgrade
from storage.trouble import trouble


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="impasto", description=__doc__)
    parser.add_argument("--config", help="config file (default: $IMPASTO_CONFIG or ./config.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser(
        "init", help="write config.toml (fresh secrets) if absent; create/migrate the database"
    )
    init.add_argument("--url", help="public base URL, e.g. https://impasto.example")

    user = sub.add_parser("user", help="manage local users").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser(
        "create", help="create a local user; prints its handle and profile page"
    )
    create.add_argument("name")
    create.add_argument("--password")
    create.add_argument("--display-name")
    create.add_argument(
        "--manual-approval",
        action="store_true",
        help="follow requests wait for `impasto requests approve`",
    )
    user.add_parser("delete", help="delete a local user; the deletion federates").add_argument(
        "name"
    )
    user.add_parser(
        "password", help="set a user's password (asked without echo, or one line of stdin)"
    ).add_argument("name")

    serve = sub.add_parser("serve", help="run the web server and the background workers")
    serve.add_argument("--host")
    serve.add_argument("--port", type=port)

    post = sub.add_parser("post", help="paint a picture from a prompt and post it; prints its URL")
    post.add_argument("name")
    post.add_argument("prompt")
    post.add_argument("--alt", help="alt text (default: a sentence made from the prompt)")
    post.add_argument("--caption", default="")
    post.add_argument("--seed", type=int)
    post.add_argument("--sensitive", action="store_true")
    post.add_argument("--cw", default="", help=cli_replies.CW_HELP)
    post.add_argument("--reply-to", help="reply to this post (id, Note URL or page URL)")

    requests = sub.add_parser("requests", help="follow requests awaiting approval").add_subparsers(
        dest="action", required=True
    )
    requests.add_parser("list").add_argument("name")
    for verb in ("approve", "reject"):
        decide = requests.add_parser(verb)
        decide.add_argument("name")
        decide.add_argument("actor", help="a local name, user@host handle or actor URL")

    for verb in ("follow", "unfollow"):
        relation = sub.add_parser(verb, help=f"{verb} an account, here or remote")
        relation.add_argument("name")
        relation.add_argument("actor", help="a local name, user@host handle or actor URL")

    admin = sub.add_parser("admin", help="instance moderation").add_subparsers(
        dest="action", required=True
    )
    for verb, what in (("block-domain", "cut a server off"), ("unblock-domain", "lift a block")):
        admin.add_parser(verb, help=what).add_argument("domain", help="host or host:port")
    admin.add_parser("blocked-domains", help="list blocked servers")

    for name, what in (("timeline", "home timeline"), ("notifications", "notifications")):
        listing_parser = sub.add_parser(name, help=f"a user's {what}, newest first")
        listing_parser.add_argument("name")
        listing_parser.add_argument("--json", action="store_true", help="a JSON array")
        listing_parser.add_argument("--limit", type=int, default=20)
        listing_parser.add_argument("--max-id", type=id_argument, help="continue below this id")
    for register in EXTENSIONS:
        register(sub, COMMANDS)
    return parser


def port(value: str) -> int:
    """A TCP port number, for argparse (its name shows in the error: "invalid port value")."""
    number = int(value)
    if not 0 <= number <= 65535:
        raise ValueError(value)
    return number


def _fresh_config(url: str | None) -> dict[str, object]:
    return {
        "instance": {
            "url": url or "http://127.0.0.1:8010",
            "name": "Impasto",
            "secret_key": secrets.token_urlsafe(48),
        },
        "database": {"url": "sqlite+aiosqlite:///data/impasto.db"},
        "media": {"dir": "data/media"},
        "generator": {"backend": "builtin"},
        "federation": {"allow_private_addresses": False},
        "server": {"host": "127.0.0.1", "port": 8010},
    }


async def _init(args: argparse.Namespace, settings: Settings) -> int:
    async def run(svc: Services) -> int:
        await upgrade(svc.engine)
        await ensure_instance_actor(svc)
        print(f"database ready at {settings.database.url}; instance {settings.instance.url}")
        return 0

    return await with_services(settings, run)


async def _user(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "delete":
        return await cli_actions.user_delete(args, settings)
    if args.action == "password":
        return await cli_auth.user_password(args, settings)
    return await _user_create(args, settings)


@checked
async def _user_create(args: argparse.Namespace, svc: Services) -> int:
    account = await create_user(
        svc,
        args.name,
        password=args.password,
        display_name=args.display_name,
        manually_approves=args.manual_approval,
    )
    handle = f"@{account.username}@{svc.settings.instance.host}"
    print(f"created {handle} — profile: {svc.urls.profile(account.username)}")
    return 0


@checked
async def _post(args: argparse.Namespace, svc: Services) -> int:
    draft = Draft(
        args.name,
        args.prompt,
        args.alt,
        args.caption,
        args.sensitive,
        args.seed,
        in_reply_to=args.reply_to,
        content_warning=args.cw,
    )
    return await cli_replies.paint(svc, draft)


@checked
async def _requests(args: argparse.Namespace, svc: Services) -> int:
    if args.action == "list":
        from fedi.federation.as2.captions import handle_of
        from storage import follows as follow_rows

        async with svc.reads() as session:
            account = await acting_user(session, args.name)
            for _, follower in await follow_rows.pending_requests(session, account.id):
                print(f"{handle_of(follower, svc.settings.instance.host)}\t{follower.uri}")
        return 0
    await follows.decide(svc, args.name, args.actor, approve=args.action == "approve")
    print(f"{args.action}d {args.actor}")
    return 0


@checked
async def _relation(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "follow":
        follow = await follows.follow(svc, args.name, args.actor)
        print(f"follow request sent ({follow.state}): {follow.uri}")
    else:
        await follows.unfollow(svc, args.name, args.actor)
        print(f"unfollowed {args.actor}")
    return 0


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from fedi.cli import startup
    from fedi.web.server import serve

    config = config_path(args.config)
    await startup.check_services(settings, config)
    startup.check_media_dir(settings, config)
    sock = startup.listen(
        args.host or settings.server.host,
        args.port if args.port is not None else settings.server.port,
        host_from="--host" if args.host else origin(config, "server", "host"),
        port_from="--port" if args.port is not None else origin(config, "server", "port"),
    )
    await serve(settings, sock)
    return 0


@checked
async def _listing(args: argparse.Namespace, svc: Services) -> int:
    entries = await notifications.listing(svc, args.name, limit=args.limit, max_id=args.max_id)
    if args.json:
        print_json(entries)
        return 0
    for entry in entries:
        print(line(entry["id"], entry["type"], entry["account"], entry["status"] or ""))
    return 0


@checked
async def _admin(args: argparse.Namespace, svc: Services) -> int:
    if args.action == "blocked-domains":
        async with svc.reads() as session:
            for domain in sorted(await domain_blocks.all_domains(session)):
                print(domain)
        return 0
    async with svc.sessions.begin() as session:
        if args.action == "block-domain":
            done = await domain_blocks.add(session, args.domain)
        else:
            done = await domain_blocks.remove(session, args.domain)
    verb = "blocked" if args.action == "block-domain" else "unblocked"
    print(f"{verb} {domain_blocks.normalise(args.domain)}" if done else "nothing to change")
    return 0


COMMANDS: dict[str, Command] = {
    "init": _init,
    "user": _user,
    "serve": _serve,
    "post": _post,
    "requests": _requests,
    "follow": _relation,
    "unfollow": _relation,
    "notifications": _listing,  # "timeline": fedi/cli_timelines.py
    "admin": _admin,
}
# Modules that add their own subcommands: register(subparsers, COMMANDS).
EXTENSIONS: list[Callable[[Any, dict[str, Command]], None]] = [
    cli_actions.register,
    cli_auth.register,
    cli_manage.register,
    cli_timelines.register,
    cli_replies.register,
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `impasto` console script."""
    args = _parser().parse_args(argv)
    path = config_path(args.config)
    try:
        if args.command == "init":
            _write_config_if_absent(path, args.url)
        settings = load_settings(path)
        return asyncio.run(stoppable(COMMANDS[args.command](args, settings)))
    except (ConfigError, BackendConfigError, UserError) as exc:
        print(f"impasto: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:  # read-only, full, locked, unreachable: one line, no traceback
        found = trouble(exc)
        if found is None:
            raise  # a bug: its traceback helps
        print(f"impasto: {found.describe(settings.database.url)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("impasto: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated:
        print("impasto: stopped by SIGTERM", file=sys.stderr)
        return 128 + signal.SIGTERM


def _write_config_if_absent(path: Path, url: str | None) -> None:
    if path.exists():
        if url:
            print(f"{path} exists; leaving it as it is (url not changed)", file=sys.stderr)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps(_fresh_config(url)))
        path.chmod(0o600)
    except OSError as exc:
        raise ConfigError(
            f"cannot write {path} ({exc.strerror}): run `impasto init` in a folder you can "
            "write to, or name another file with --config"
        ) from None
    print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
