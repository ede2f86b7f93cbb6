"""What `impasto serve` checks before it starts, so each failure is one line with its fix.

The database answers and is up to date, the image model loads, the media folder takes files,
and the listening socket is bound, all before the app and its workers start: a port already
in use no longer shows up as a traceback after the workers have begun.
"""

from __future__ import annotations

import errno
import os
import socket
import tempfile
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from fedi.cli.run import require_schema
from fedi.core.services import Services
from fedi.core.settings import ConfigError, Settings, origin
from fedi.domain.accounts import ensure_instance_actor


class StartupError(ConfigError):
    """The server cannot start; the message names the cause and the fix."""


async def check_services(settings: Settings, config: Path | None) -> None:
    """The database answers, is set up and up to date, and takes writes; the models load."""
    where = origin(config, "database", "url")
    try:
        svc = Services.create(settings)
    except OSError as exc:  # SQLite: the database file's folder cannot be made
        raise _unusable(settings, exc, where) from None
    try:
        await _check_database(svc, where)
        for key in settings.generator.model_keys:  # an unknown backend or a missing API key
            svc.generator_for(key)  # fails here, at start, naming the model's table
    finally:
        await svc.close()


async def _check_database(svc: Services, where: str) -> None:
    try:
        await require_schema(svc)
        await ensure_instance_actor(svc)  # the app does it again at start: it is a write test
    except (OSError, DBAPIError) as exc:
        raise _unusable(svc.settings, exc, where) from None


def _unusable(settings: Settings, exc: BaseException, where: str) -> StartupError:
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    wrapped = getattr(reason, "orig", None)
    if isinstance(wrapped, OSError):  # storage.db: no connection at all
        reason = wrapped
    if isinstance(reason, OSError) and (reason.errno or 0) > 0:
        detail = os.strerror(reason.errno or 0)  # "Connection refused", not asyncpg's wording
    elif isinstance(reason, OSError) and reason.strerror:
        detail = reason.strerror
    else:
        detail = (str(reason).strip().splitlines() or [type(reason).__name__])[0]
    if not settings.database.url.startswith("postgresql"):
        fix = f"check that it is an Impasto database this user may write, or correct {where}"
    elif isinstance(reason, OSError):  # no answer: down, or the wrong host or port
        fix = f"start PostgreSQL, or correct the host and port in {where}"
    else:  # it answered: the user, password or database name is wrong
        fix = f"correct the user, password or database name in {where} (or create the database)"
    return StartupError(
        f"cannot use the database at {settings.database.redacted_url} ({detail}): {fix}"
    )


def check_media_dir(settings: Settings, config: Path | None) -> None:
    """The media folder exists (or can be made) and a file can be written in it."""
    folder = Path(settings.media.dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise StartupError(
            f"the media folder {folder} is not writable ({exc.strerror}): make it a folder "
            f"this user can write to, or choose another with {origin(config, 'media', 'dir')}"
        ) from None


def listen(host: str, port: int, *, host_from: str, port_from: str) -> socket.socket:
    """A TCP socket bound to host:port (not yet listening), or a StartupError saying why not."""
    bare = host.removeprefix("[").removesuffix("]")
    shown = f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            bare or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise StartupError(
            f"cannot listen on {shown}: no such host ({reason}): set {host_from} to an "
            "address of this machine, such as 127.0.0.1"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise StartupError(_bind_failure(exc, shown, host_from, port_from)) from None
    return sock


def _bind_failure(exc: OSError, shown: str, host_from: str, port_from: str) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {shown}: the port is already in use (another `impasto serve`?): "
            f"stop that program or choose another port with {port_from}"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot listen on {shown}: permission denied (ports below 1024 need root or "
            f"CAP_NET_BIND_SERVICE): use a port above 1023 with {port_from}, behind a reverse "
            "proxy that listens on 443"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot listen on {shown}: that address is not one of this machine's: set "
            f"{host_from} to one that is, such as 127.0.0.1"
        )
    return f"cannot listen on {shown}: {exc.strerror}: check {host_from} and {port_from}"
