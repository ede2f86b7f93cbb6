"""`impasto init [--url URL]` and `impasto serve [--host H] [--port P]`: setting up an instance
and running it (serve's start-up checks are in fedi/cli/startup.py)."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import tomli_w

from fedi.cli import startup
from fedi.cli.run import Subparsers, with_services
from fedi.core.services import Services
from fedi.core.settings import ConfigError, Settings, config_path, origin
from fedi.domain.accounts import ensure_instance_actor
from storage.migrate import upgrade


def register(subparsers: Subparsers) -> None:
    """Add `init` and `serve` to the `impasto` parser."""
    init = subparsers.add_parser(
        "init", help="write config.toml (fresh secrets) if absent; create/migrate the database"
    )
    init.add_argument("--url", help="public base URL, e.g. https://impasto.example")
    # main() runs `prepare` before it loads the settings: init writes the file they come from.
    init.set_defaults(run=_init, prepare=write_config_if_absent)

    serve = subparsers.add_parser("serve", help="run the web server and the background workers")
    serve.add_argument("--host")
    serve.add_argument("--port", type=port)
    serve.set_defaults(run=_serve)


def port(value: str) -> int:
    """A TCP port number, for argparse (its name shows in the error: "invalid port value")."""
    number = int(value)
    if not 0 <= number <= 65535:
        raise ValueError(value)
    return number


def write_config_if_absent(args: argparse.Namespace, path: Path) -> None:
    """`impasto init`: write a config file with fresh secrets, unless there is one."""
    if path.exists():
        if args.url:
            print(f"{path} exists; leaving it as it is (url not changed)", file=sys.stderr)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps(_fresh_config(args.url)))
        path.chmod(0o600)
    except OSError as exc:
        raise ConfigError(
            f"cannot write {path} ({exc.strerror}): run `impasto init` in a folder you can "
            "write to, or name another file with --config"
        ) from None
    print(f"wrote {path}")


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


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from fedi.web.server import serve  # the web app, imported only by the command that runs it

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
