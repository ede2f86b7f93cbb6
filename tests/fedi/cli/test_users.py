"""`impasto user password` reads one line of standard input when it is no terminal."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import auth
from tests.support.servers import run_cli


def signs_in(config: Path, password: str) -> bool:
    async def attempt() -> bool:
        svc = Services.create(load_settings(config))
        try:
            await auth.sign_in(svc, "alice", password, "192.0.2.1")
            return True
        except auth.SignInError:
            return False
        finally:
            await svc.close()

    return asyncio.run(attempt())


def test_user_password_reads_one_line_of_stdin(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(config_path, "user", "create", "alice")
    assert not signs_in(config_path, "a long password")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\nignored\n"))
    assert "password set for @alice" in run_cli(config_path, "user", "password", "alice")
    assert signs_in(config_path, "a long password")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(RuntimeError, match="at least 8"):
        run_cli(config_path, "user", "password", "alice")
    with pytest.raises(RuntimeError, match="no local user"):
        run_cli(config_path, "user", "password", "nobody")
