"""A locked account: follow requests wait until the owner approves or rejects them on the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Follow
from tests.support.databases import DatabaseFactory
from tests.support.inspect import query
from tests.support.servers import Server, free_port, run_cli, wait_for, write_config


def _instance(tmp_path: Path, databases: DatabaseFactory, name: str) -> tuple[Path, int]:
    port = free_port()
    config = write_config(tmp_path / f"{name}.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    return config, port


def _follow_states(config: Path) -> dict[str, str]:
    async def states(session: AsyncSession) -> dict[str, str]:
        rows = await session.execute(
            select(Account.username, Follow.state).join(Follow, Follow.follower_id == Account.id)
        )
        return {name: state for name, state in rows}

    return query(config, states)


def test_requests_wait_for_approval_and_rejection_ends_them(
    tmp_path: Path, databases: DatabaseFactory
) -> None:
    a_config, a_port = _instance(tmp_path, databases, "a")
    b_config, b_port = _instance(tmp_path, databases, "b")
    run_cli(a_config, "user", "create", "alice", "--manual-approval")
    run_cli(b_config, "user", "create", "bob")
    run_cli(b_config, "user", "create", "carol")
    server_a = Server(a_config, a_port, tmp_path / "a.log").start()
    server_b = Server(b_config, b_port, tmp_path / "b.log").start()
    try:
        actor = server_a.get("/users/alice", accept="application/activity+json")
        assert actor["manuallyApprovesFollowers"] is True

        run_cli(b_config, "follow", "bob", f"alice@127.0.0.1:{a_port}")
        run_cli(b_config, "follow", "carol", f"alice@127.0.0.1:{a_port}")
        requests = wait_for(
            lambda: (out := run_cli(a_config, "requests", "list", "alice")).count("\n") == 2 and out
        )
        assert f"bob@127.0.0.1:{b_port}" in requests and f"carol@127.0.0.1:{b_port}" in requests
        notices = run_cli(a_config, "notifications", "alice").splitlines()
        assert sorted(line.split("\t")[1:3] for line in notices) == [
            ["follow_request", f"bob@127.0.0.1:{b_port}"],
            ["follow_request", f"carol@127.0.0.1:{b_port}"],
        ]
        # Nobody is a follower yet, and B still sees both follows as pending.
        assert server_a.get("/users/alice/followers")["totalItems"] == 0
        assert _follow_states(b_config) == {"bob": "pending", "carol": "pending"}

        run_cli(a_config, "requests", "approve", "alice", f"bob@127.0.0.1:{b_port}")
        run_cli(a_config, "requests", "reject", "alice", f"http://127.0.0.1:{b_port}/users/carol")

        # The Accept and the Reject reach B: bob follows alice, carol's request is gone.
        wait_for(lambda: _follow_states(b_config) == {"bob": "accepted"})
        followers = server_a.get("/users/alice/followers?page=1")["orderedItems"]
        assert followers == [f"http://127.0.0.1:{b_port}/users/bob"]
        assert run_cli(a_config, "requests", "list", "alice") == ""
    finally:
        server_a.stop()
        server_b.stop()


def test_deciding_an_unknown_request_is_an_error(
    tmp_path: Path, databases: DatabaseFactory
) -> None:
    config, _ = _instance(tmp_path, databases, "a")
    run_cli(config, "user", "create", "alice", "--manual-approval")
    with pytest.raises(RuntimeError, match="no pending follow request"):
        run_cli(config, "requests", "approve", "alice", "mallory@elsewhere.example")
