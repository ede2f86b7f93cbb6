"""`impasto invite create|list|revoke`: a link that opens the sign-up page, listed with its
uses, and revoked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import signups
from tests.support.servers import run_cli


def _usable(config_path: Path, code: str) -> bool:
    async def check() -> bool:
        svc = Services.create(load_settings(config_path))
        try:
            return await signups.usable_invite(svc, code)
        finally:
            await svc.close()

    return asyncio.run(check())


def test_invite_create_list_and_revoke(config_path: Path) -> None:
    run_cli(config_path, "user", "create", "alice")
    url = run_cli(config_path, "invite", "create", "--uses", "3", "--by", "alice").strip()
    base = load_settings(config_path).instance.url
    assert url.startswith(f"{base}/auth/sign_up?invite=")
    code = url.rpartition("=")[2]
    assert _usable(config_path, code)
    listed = run_cli(config_path, "invite", "list").splitlines()
    assert len(listed) == 1
    invite_id, uses, _, state = listed[0].split("\t")
    assert (uses, state) == ("used 0 of 3", "valid")
    assert run_cli(config_path, "invite", "revoke", invite_id).strip() == (
        f"invite {invite_id} revoked"
    )
    assert run_cli(config_path, "invite", "list").split("\t")[-1].strip() == "revoked"
    assert not _usable(config_path, code)
    with pytest.raises(RuntimeError, match=f"no valid invite {invite_id}"):
        run_cli(config_path, "invite", "revoke", invite_id)
    with pytest.raises(RuntimeError, match="at least one sign-up"):
        run_cli(config_path, "invite", "create", "--uses", "-1")
