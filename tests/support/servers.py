"""Real Impasto servers for end-to-end tests: `impasto serve` subprocesses on 127.0.0.1."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

import tomli_w
from sqlalchemy.exc import OperationalError

from fedi.cli.main import main as cli_main


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, *, port: int, database_url: str, **overrides: Any) -> Path:
    """A config file for a test instance on 127.0.0.1:port that may talk to loopback peers."""
    config: dict[str, Any] = {
        "instance": {
            "url": f"http://127.0.0.1:{port}",
            "name": f"test-{port}",
            "secret_key": "test",
        },
        "database": {"url": database_url},
        "media": {"dir": str(path.parent / f"media-{port}")},
        "generator": {"backend": "builtin"},
        "federation": {
            "allow_private_addresses": True,
            "request_timeout": 5.0,
            "delivery_poll_interval": 0.2,
            "delivery_lease": 6.0,  # longer than request_timeout, as the settings require
            # A delivery that fails for now is tried again in seconds, within a test's wait.
            "retry_delay_factor": 0.1,
        },
        "server": {"host": "127.0.0.1", "port": port},
    }
    for section, values in overrides.items():
        config.setdefault(section, {}).update(values)
    path.write_text(tomli_w.dumps(config))
    return path


def run_cli(config: Path, *args: str) -> str:
    """Run an `impasto` command in this process; returns stdout, raises on a non-zero exit."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["--config", str(config), *args])
    if code != 0:
        raise RuntimeError(f"impasto {' '.join(args)} exited {code}: {err.getvalue()}")
    return out.getvalue()


class Server:
    """An `impasto serve` subprocess."""

    def __init__(self, config: Path, port: int, log_path: Path) -> None:
        self.config, self.port, self.log_path = config, port, log_path
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def start(self, timeout: float = 60.0) -> Server:
        """Start and wait until it answers HTTP."""
        self._close_log()
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fedi.cli", "--config", str(self.config), "serve"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._close_log()
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                self.get("/.well-known/nodeinfo")
                return self
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def get(self, path: str, accept: str = "application/json") -> Any:
        """GET a JSON document from the server."""
        request = urllib.request.Request(self.base + path, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def get_raw(self, path: str, accept: str = "*/*") -> tuple[int, dict[str, str], bytes]:
        """GET anything; returns status, headers and body."""
        request = urllib.request.Request(self.base + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()


def wait_for(predicate: Any, timeout: float = 20.0, interval: float = 0.1) -> Any:
    """Poll until predicate() is truthy; returns its value or raises AssertionError. A poll
    that fails for now (a busy server's slow answer, a locked database) is polled again; the
    last such error is named if time runs out."""
    deadline = time.monotonic() + timeout
    failure: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, RuntimeError, OperationalError) as exc:
            failure = exc
        else:
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(f"condition not met in time (last error: {failure!r})") from failure
