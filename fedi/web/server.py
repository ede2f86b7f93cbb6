"""Running the app under Hypercorn, stopping cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from fedi.core.settings import Settings
from fedi.web.app import create_app
from fedi.web.inbox_asgi import InboxFront


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
    front = InboxFront(app, lambda: app.config["IMPASTO_SERVICES"])
    await hypercorn_serve(front, config, shutdown_trigger=stop.wait)
