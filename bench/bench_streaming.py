"""Idle streaming connections held by one `impasto serve` (embedded default: SQLite).

Initialises a fresh instance in a temporary folder (alice follows bob; a token of alice's),
starts the server, reads its resident memory, opens N idle connections to the user stream,
waits, reads the memory again (KiB per connection), then has bob post with `impasto post` and
measures how long the `update` event takes to reach every connection, counted from the moment
that command returns (it runs in this process, in a thread, and returns right after its
transaction commits; the server is another process).

The connections are server-sent events (GET /api/v1/streaming/user) or WebSockets (GET
/api/v1/streaming?access_token=...&stream=user, subscribed before the upgrade is accepted);
each transport gets a server of its own, so that neither reuses memory the other freed.

    .venv/bin/python bench/bench_streaming.py [--connections 1000 5000] [--settle 5]
        [--transport sse|websocket|both]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port, run_cli, wait_for  # noqa: E402

OPENING_AT_ONCE = 100  # connections being opened at the same time (the listen backlog is 100)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise KeyError("VmRSS")


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/v1/streaming/health", timeout=5) as response:
            return bool(response.read() == b"OK")
    except OSError:
        return False


class SseConnection:
    """One idle SSE connection, read by its own task until the first `update` event."""

    def __init__(self) -> None:
        self.updated_at: float | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self, port: int, token: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(
            b"GET /api/v1/streaming/user HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await self.writer.drain()
        status = await self.reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"refused: {status!r}")
        while await self.reader.readline() not in (b":)\n", b""):
            pass  # headers, chunk sizes: until the server's first line

    async def wait_update(self) -> None:
        assert self.reader is not None
        while line := await self.reader.readline():
            if line.startswith(b"event: update"):
                self.updated_at = time.monotonic()
                return

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class WsConnection:
    """One idle WebSocket subscribed to the user stream, read until the first `update` event."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.updated_at: float | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self, port: int, token: str) -> None:
        url = f"ws://127.0.0.1:{port}/api/v1/streaming"
        params = {"access_token": token, "stream": "user"}
        self.ws = await self.session.ws_connect(url, params=params)  # (raises unless 101)

    async def wait_update(self) -> None:
        assert self.ws is not None
        async for message in self.ws:  # (answers the server's pings on the way)
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            if json.loads(message.data).get("event") == "update":
                self.updated_at = time.monotonic()
                return

    def close(self) -> None:
        pass  # closing the session closes every socket at once


Connection = SseConnection | WsConnection


async def _open_all(connections: list[Connection], port: int, token: str) -> None:
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(connection: Connection) -> None:
        async with gate:
            await connection.open(port, token)

    await asyncio.gather(*(one(connection) for connection in connections))


async def _round(
    transport: str, count: int, port: int, token: str, pid: int, post: list[str], settle: float
) -> str:
    config = Path("config.toml").resolve()
    # (limit=0: no cap on the WebSockets held at once; the SSE connections do not use it)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        connections: list[Connection] = [
            SseConnection() if transport == "sse" else WsConnection(session) for _ in range(count)
        ]
        before = _rss_kib(pid)
        started = time.monotonic()
        await _open_all(connections, port, token)
        opened = time.monotonic() - started
        await asyncio.sleep(settle)
        after = _rss_kib(pid)
        waiting = [asyncio.create_task(c.wait_update()) for c in connections]
        await asyncio.to_thread(run_cli, config, *post)  # returns once its transaction committed
        committed = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*waiting), timeout=120)
        for connection in connections:
            connection.close()
    arrivals = sorted((c.updated_at or committed) - committed for c in connections)
    per = (after - before) / count
    return (
        f"{transport:>9} {count:>6} connections: opened in {opened:.1f} s; server RSS "
        f"{before / 1024:.1f} -> {after / 1024:.1f} MB ({per:.1f} KiB each); one post reached "
        f"all in {arrivals[-1] * 1000:.0f} ms (first {arrivals[0] * 1000:.0f} ms, "
        f"median {arrivals[len(arrivals) // 2] * 1000:.0f} ms)"
    )


def _serve(impasto: str, port: int, token: str, transport: str, args: argparse.Namespace) -> None:
    """A fresh `impasto serve` for one transport, measured at each number of connections."""
    # Every connection is an API request of one token: lift the 300 per 5 minutes off it.
    unlimited = {**os.environ, "IMPASTO_LIMITS__API_REQUESTS_PER_5_MINUTES": "0"}
    server = subprocess.Popen(
        [impasto, "serve", "--port", str(port)],
        env=unlimited,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _healthy(f"http://127.0.0.1:{port}"), timeout=30)
        for count in args.connections:
            post = ["post", "bob", f"a lighthouse seen by {count} ({transport})"]
            run = _round(transport, count, port, token, server.pid, post, args.settle)
            print(asyncio.run(run), flush=True)
            time.sleep(2)  # the server lets the closed connections go
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--settle", type=float, default=5.0, help="seconds idle before reading")
    parser.add_argument("--transport", choices=["sse", "websocket", "both"], default="both")
    args = parser.parse_args()
    transports = ["sse", "websocket"] if args.transport == "both" else [args.transport]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(args.connections) * 2 + 1000  # both ends live on this machine
    if hard != resource.RLIM_INFINITY and hard < wanted:
        sys.exit(f"the open-files limit is {hard}; {wanted} are needed (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))  # the server inherits
    impasto = str(Path(sys.executable).parent / "impasto")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:

        def run(*command: str) -> str:
            done = subprocess.run([impasto, *command], cwd=tmp, check=True, capture_output=True)
            return done.stdout.decode().strip()

        run("init", "--url", f"http://127.0.0.1:{port}")
        run("user", "create", "alice")
        run("user", "create", "bob")
        run("follow", "alice", "bob")
        token = run("token", "create", "alice", "--scopes", "read")
        os.chdir(tmp)  # (the config's paths are relative to it)
        try:
            for transport in transports:  # a server each: neither reuses what the other freed
                _serve(impasto, port, token, transport, args)
        finally:
            os.chdir(ROOT)


if __name__ == "__main__":
    main()
