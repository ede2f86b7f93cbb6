"""Idle streaming connections held by one `impasto serve` (embedded default: SQLite).

Initialises a fresh instance in a temporary folder (alice follows bob; a token of alice's),
starts the server, reads its resident memory, opens N server-sent-event connections to
/api/v1/streaming/user, waits, reads the memory again (KiB per connection), then has bob post
with `impasto post` and measures how long the `update` event takes to reach
every connection, counted from the moment that command returns (it runs in this process, in a
thread, and returns right after its transaction commits; the server is another process).

    .venv/bin/python bench/bench_streaming.py [--connections 1000 5000] [--settle 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

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


class Connection:
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


async def _open_all(count: int, port: int, token: str) -> list[Connection]:
    connections = [Connection() for _ in range(count)]
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(connection: Connection) -> None:
        async with gate:
            await connection.open(port, token)

    await asyncio.gather(*(one(connection) for connection in connections))
    return connections


async def _round(
    count: int, port: int, token: str, pid: int, post: list[str], settle: float
) -> str:
    config = Path("config.toml").resolve()
    before = _rss_kib(pid)
    started = time.monotonic()
    connections = await _open_all(count, port, token)
    opened = time.monotonic() - started
    await asyncio.sleep(settle)
    after = _rss_kib(pid)
    waiting = [asyncio.create_task(c.wait_update()) for c in connections]
    await asyncio.to_thread(run_cli, config, *post)  # returns once its transaction committed
    committed = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*waiting), timeout=120)
    arrivals = sorted((c.updated_at or committed) - committed for c in connections)
    for connection in connections:
        connection.close()
    per = (after - before) / count
    return (
        f"{count:>6} connections: opened in {opened:.1f} s; server RSS {before / 1024:.1f} -> "
        f"{after / 1024:.1f} MB ({per:.1f} KiB each); one post reached all in "
        f"{arrivals[-1] * 1000:.0f} ms (first {arrivals[0] * 1000:.0f} ms, "
        f"median {arrivals[len(arrivals) // 2] * 1000:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--settle", type=float, default=5.0, help="seconds idle before reading")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(args.connections) * 2 + 1000  # both ends live on this machine
    if hard != resource.RLIM_INFINITY and hard < wanted:
        sys.exit(f"the open-files limit is {hard}; {wanted} are needed (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))  # the server inherits
    impasto = str(Path(sys.executable).parent / "impasto")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:

        def run(*command: str) -> str:
            done = subprocess.run([impasto, *command], cwd=tmp, check=True, capture_output=True)
            return done.stdout.decode().strip()

        run("init", "--url", base)
        run("user", "create", "alice")
        run("user", "create", "bob")
        run("follow", "alice", "bob")
        token = run("token", "create", "alice", "--scopes", "read")
        server = subprocess.Popen(
            [impasto, "serve", "--port", str(port)],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.chdir(tmp)  # (the config's paths are relative to it)
        try:
            wait_for(lambda: _healthy(base), timeout=30)
            for count in args.connections:
                post = ["post", "bob", f"a lighthouse seen by {count}"]
                print(asyncio.run(_round(count, port, token, server.pid, post, args.settle)))
                time.sleep(2)  # the server lets the closed connections go
        finally:
            server.terminate()
            server.wait(timeout=30)
            os.chdir(ROOT)


if __name__ == "__main__":
    main()
