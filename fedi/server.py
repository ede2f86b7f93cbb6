"""Running the app under Hypercorn, stopping cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from .app import create_app
from .inbox_asgi import InboxFront
from .settings import Settings


async def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Serve until a termination signal arrives."""
    config = Config()
    config.bind = [f"{host or settings.server.host}:{port or settings.server.port}"]
    config.accesslog = None
    config.errorlog = "-"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = create_app(settings)
    front = InboxFront(app, lambda: app.config["IMPASTO_SERVICES"])
    await hypercorn_serve(front, config, shutdown_trigger=stop.wait)
