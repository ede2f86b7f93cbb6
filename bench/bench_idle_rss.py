"""Resident memory of an idle `impasto serve` on the embedded default (SQLite, built-in painter).

Initialises a fresh instance in a temporary folder, starts the server, makes a user and serves a
few requests (actor, WebFinger, NodeInfo, a profile page), waits, then reads VmRSS and VmHWM of the
server process from /proc.

    .venv/bin/python bench/bench_idle_rss.py [--settle 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port, wait_for  # noqa: E402


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _get(url: str, accept: str = "application/activity+json") -> bool:
    try:
        request = urllib.request.Request(url, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds idle before reading")
    args = parser.parse_args()
    impasto = str(Path(sys.executable).parent / "impasto")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        run = {"cwd": tmp, "check": True, "capture_output": True}
        subprocess.run([impasto, "init", "--url", base], **run)  # type: ignore[call-overload]
        subprocess.run([impasto, "user", "create", "alice"], **run)  # type: ignore[call-overload]
        server = subprocess.Popen(
            [impasto, "serve", "--port", str(port)],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(lambda: _get(f"{base}/.well-known/nodeinfo"), timeout=30)
            for path in (
                "/users/alice",
                "/.well-known/webfinger?resource=acct:alice@127.0.0.1:" + str(port),
                "/nodeinfo/2.1",
                "/users/alice/outbox?page=1",
            ):
                assert _get(base + path), path
            assert _get(base + "/@alice", accept="text/html")
            time.sleep(args.settle)
            rss = _status_kib(server.pid, "VmRSS") / 1024
            peak = _status_kib(server.pid, "VmHWM") / 1024
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(
        f"idle `impasto serve` resident memory: {rss:.1f} MB (peak {peak:.1f} MB; target < 120 MB)"
    )


if __name__ == "__main__":
    main()
