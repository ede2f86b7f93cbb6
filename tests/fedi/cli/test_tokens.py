"""`impasto token create` prints a token that works, with the scopes asked for."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import oauth
from tests.support.servers import run_cli


def test_token_create_prints_a_working_token(config_path: Path) -> None:
    run_cli(config_path, "user", "create", "alice")
    token = run_cli(config_path, "token", "create", "alice", "--scopes", "read", "write").strip()

    async def grant() -> oauth.Grant:
        svc = Services.create(load_settings(config_path))
        try:
            return await oauth.authenticate(svc, token)
        finally:
            await svc.close()

    granted = asyncio.run(grant())
    assert granted.scopes == ("read", "write") and granted.account is not None
    with pytest.raises(RuntimeError, match="Scopes must only contain valid scopes"):
        run_cli(config_path, "token", "create", "alice", "--scopes", "admin:read")
