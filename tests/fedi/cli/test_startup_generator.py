"""`impasto serve` refuses to start with an unusable image backend, naming the setting."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import load_settings
from tests.support.servers import run_cli, write_config


@pytest.mark.parametrize(
    ("generator", "named"),
    [
        ({"backend": "dall-e-9000"}, "[generator] backend = 'dall-e-9000' is not installed"),
        ({"backend": "replicate"}, "REPLICATE_API_TOKEN"),
        ({"backend": "openai"}, "OPENAI_API_KEY"),
        ({"backend": "builtin", "options": {"colour": "red"}}, "[generator.options]"),
        (
            {"models": {"flux": {"backend": "replicate", "options": {"api_tokne": "typo"}}}},
            "[generator.models.flux.options] do not fit 'replicate'",
        ),
    ],
    ids=[
        "unknown-backend",
        "replicate-without-token",
        "openai-without-key",
        "unknown-option",
        "another-model-misconfigured",
    ],
)
def test_serve_fails_at_start_naming_the_setting(
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    generator: dict[str, object],
    named: str,
) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = write_config(tmp_path / "config.toml", port=9, database_url=db_url)
    run_cli(config, "init")
    config = write_config(
        tmp_path / "config.toml", port=9, database_url=db_url, generator=generator
    )
    # A subprocess with a deadline: if the check were missing, the server would just start.
    done = subprocess.run(
        [sys.executable, "-m", "fedi.cli", "--config", str(config), "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert named in done.stderr


@pytest.mark.parametrize("allow_private", [False, True])
def test_the_backend_downloads_under_the_servers_address_rule(
    tmp_path: Path, allow_private: bool
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        port=9,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite",
        generator={"backend": "replicate", "options": {"api_token": "t"}},
        federation={"allow_private_addresses": allow_private},
    )
    svc = Services.create(load_settings(config))
    allowed = svc.generator._output.address_allowed  # type: ignore[attr-defined]
    assert allowed("8.8.8.8")
    assert allowed("127.0.0.1") is allow_private
    assert allowed("169.254.169.254") is allow_private
    asyncio.run(svc.close())
