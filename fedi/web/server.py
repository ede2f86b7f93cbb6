"""Running the app under Hypercorn, stopping cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import signal
import socket

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from fedi.core.settings import Settings
from fedi.web.app import create_app
from fedi.web.inbox_asgi import InboxFront

# Objects a serving process may allocate, net of those it frees, before the cycle collector
# runs (Python's default is 700: about once per API request here, and every tenth of those
# also scans the older objects).
GC_YOUNG_THRESHOLD = 10_000


def settle_collector() -> None:
    """Tune the garbage collector for serving: what start-up made (modules, the app, its
    settings) is collected once and then left out of every later collection (`gc.freeze`),
    and collections are rarer. Without it a full collection walked every object the process
    had ever kept, hundreds of milliseconds on a loaded machine, inside some request's time
    (bench/README.md, "Home API over SQLite"); reference counting still frees the rest."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


async def serve(settings: Settings, sock: socket.socket) -> None:
    """Serve on a bound socket (fedi.cli.startup.listen) until a termination signal arrives."""
    config = Config()
    # Hypercorn takes over the descriptor: binding it was done, and any failure reported, before
    # the app and its workers start.
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    config.errorlog = "-"
    config.websocket_ping_interval = settings.server.stream_heartbeat  # keeps proxies open
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = create_app(settings)
    settle_collector()
    front = InboxFront(app, lambda: app.config["IMPASTO_SERVICES"])
    await hypercorn_serve(front, config, shutdown_trigger=stop.wait)
