"""`impasto user create --admin`, `user admin [--remove]` and `user suspend|unsuspend`: who may
use the /admin pages, and who may sign in, from the command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import auth, moderation
from storage.accounts import local_account
from tests.support.servers import run_cli


def standing(config: Path, name: str) -> tuple[bool, bool]:
    """(is an admin, may sign in) for a local user."""

    async def look() -> tuple[bool, bool]:
        svc = Services.create(load_settings(config))
        try:
            async with svc.reads() as session:
                account = await local_account(session, name, include_deleted=True)
            return await moderation.is_admin(svc, account), auth.may_sign_in(account)
        finally:
            await svc.close()

    return asyncio.run(look())


def suspension_marks(config: Path, name: str) -> tuple[bool, bool]:
    """(marked deleted, marked suspended) for a local user."""

    async def look() -> tuple[bool, bool]:
        svc = Services.create(load_settings(config))
        try:
            async with svc.reads() as session:
                account = await local_account(session, name, include_deleted=True)
            assert account is not None
            return account.suspended_at is not None, account.suspended_since is not None
        finally:
            await svc.close()

    return asyncio.run(look())


def test_a_suspended_user_can_be_deleted_from_the_command_line(config_path: Path) -> None:
    run_cli(config_path, "user", "create", "alice")
    run_cli(config_path, "user", "suspend", "alice")
    assert "deleted alice" in run_cli(config_path, "user", "delete", "alice")
    assert suspension_marks(config_path, "alice")[0] is True
    with pytest.raises(RuntimeError, match="not suspended"):
        run_cli(config_path, "user", "unsuspend", "alice")  # deleted stays deleted


def test_admins_and_suspensions_from_the_command_line(config_path: Path) -> None:
    run_cli(config_path, "user", "create", "root", "--admin")
    run_cli(config_path, "user", "create", "alice")
    assert standing(config_path, "root") == (True, True)
    assert standing(config_path, "alice") == (False, True)
    assert "alice is now an admin" in run_cli(config_path, "user", "admin", "alice")
    assert standing(config_path, "alice") == (True, True)
    run_cli(config_path, "user", "admin", "alice", "--remove")
    assert standing(config_path, "alice") == (False, True)
    assert "alice suspended" in run_cli(config_path, "user", "suspend", "alice")
    assert standing(config_path, "alice") == (False, False)
    with pytest.raises(RuntimeError, match="suspended already"):
        run_cli(config_path, "user", "suspend", "alice")
    assert suspension_marks(config_path, "alice") == (False, True)  # suspended, not deleted
    run_cli(config_path, "user", "unsuspend", "alice")
    assert standing(config_path, "alice") == (False, True)
    assert suspension_marks(config_path, "alice") == (False, False)
    with pytest.raises(RuntimeError, match="no local user"):
        run_cli(config_path, "user", "admin", "nobody")


def test_a_block_made_on_the_command_line_keeps_its_reason(config_path: Path) -> None:
    run_cli(config_path, "admin", "block-domain", "Spam.Example", "--reason", "sends spam")
    assert run_cli(config_path, "admin", "blocked-domains") == "spam.example\n"

    async def blocks() -> list[tuple[str, str]]:
        svc = Services.create(load_settings(config_path))
        try:
            return [(row.domain, row.reason) for row in await moderation.blocked_domains(svc)]
        finally:
            await svc.close()

    assert asyncio.run(blocks()) == [("spam.example", "sends spam")]
