"""The `impasto` command: the top-level parser, the command groups that add their subcommands
to it, and main(), which parses, loads the settings, runs the subcommand and turns the errors a
person can fix into one line."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError

from fedi.cli import (
    admin,
    blocks,
    follows,
    invites,
    posts,
    reactions,
    reading,
    setup,
    tokens,
    users,
)
from fedi.cli.run import Subparsers, Terminated, stoppable
from fedi.core.errors import UserError
from fedi.core.settings import ConfigError, config_path, load_settings
from generators.base import BackendConfigError
from storage.trouble import trouble

# The command groups, in the order `impasto --help` lists them. Each register() adds its
# subcommands, and every leaf names what runs it with set_defaults(run=a Command).
GROUPS: list[Callable[[Subparsers], None]] = [
    setup.register,  # init, serve
    users.register,  # user create|delete|password
    tokens.register,  # token create
    invites.register,  # invite create|list|revoke
    posts.register,  # post, reply, edit, delete, pin, unpin
    reactions.register,  # like, unlike, boost, unboost
    follows.register,  # requests list|approve|reject, follow, unfollow
    blocks.register,  # block, unblock, blocks
    reading.register,  # timeline, thread, notifications
    admin.register,  # admin block-domain|unblock-domain|blocked-domains
]
DESCRIPTION = (
    "Impasto, a fediverse server whose posts are pictures painted from prompts: set it up and"
    " serve it, manage users and tokens, post, react, follow, block, read timelines."
)


def parser() -> argparse.ArgumentParser:
    """The whole `impasto` parser: --config, then every group's subcommands."""
    top = argparse.ArgumentParser(prog="impasto", description=DESCRIPTION)
    top.add_argument("--config", help="config file (default: $IMPASTO_CONFIG or ./config.toml)")
    subparsers = top.add_subparsers(dest="command", required=True)
    for register in GROUPS:
        register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `impasto` console script."""
    args = parser().parse_args(argv)
    path = config_path(args.config)
    try:
        prepare = getattr(args, "prepare", None)  # init writes the config file first
        if prepare is not None:
            prepare(args, path)
        settings = load_settings(path)
        return asyncio.run(stoppable(args.run(args, settings)))
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


if __name__ == "__main__":
    raise SystemExit(main())
