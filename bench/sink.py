"""A fast loopback inbox sink for benchmarks: answers 202 to every POST, counts them.

Run as its own process so it does not share a CPU core's event loop with what it measures:
    python bench/sink.py PORT
GET /count returns how many POSTs it has taken.
"""

from __future__ import annotations

import sys

from aiohttp import web

received = 0


async def inbox(request: web.Request) -> web.Response:
    global received
    await request.read()
    received += 1
    return web.Response(status=202)


async def count(_request: web.Request) -> web.Response:
    return web.Response(text=str(received))


def main() -> None:
    app = web.Application()
    app.router.add_post("/{tail:.*}", inbox)
    app.router.add_get("/count", count)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
