"""Two real Impasto servers on 127.0.0.1 with a user each (alice on A, bob on B), for
end-to-end tests of conversations between them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Account, Follow

from .databases import DatabaseFactory
from .inspect import query
from .servers import Server, free_port, run_cli, wait_for, write_config


@dataclass
class Instance:
    """One running Impasto server, its config, and the name of its user."""

    server: Server
    config: Path
    user: str

    @property
    def base(self) -> str:
        """Base URL."""
        return self.server.base

    @property
    def handle(self) -> str:
        """The user's handle, user@host:port."""
        return f"{self.user}@{self.base.removeprefix('http://')}"

    @property
    def actor(self) -> str:
        """The user's actor id."""
        return f"{self.base}/users/{self.user}"

    def cli(self, *args: str) -> str:
        """Run an `impasto` command against this instance; returns stdout."""
        return run_cli(self.config, *args)

    def cli_json(self, *args: str) -> Any:
        """Run an `impasto … --json` command and parse what it prints."""
        return json.loads(run_cli(self.config, *args, "--json"))

    def post(self, prompt: str, *extra: str) -> str:
        """Post a picture from a prompt as the user; returns the post's page URL."""
        return self.cli("post", self.user, prompt, *extra).strip()


def start_instance(tmp_path: Path, databases: DatabaseFactory, user: str) -> Instance:
    """Set up a fresh database with one user and start `impasto serve` on it."""
    port = free_port()
    config = write_config(tmp_path / f"{user}.toml", port=port, database_url=databases.new_url())
    run_cli(config, "init")
    run_cli(config, "user", "create", user, "--display-name", user.title())
    server = Server(config, port, tmp_path / f"{user}.log").start()
    return Instance(server, config, user)


def follow(follower: Instance, target: Instance) -> None:
    """follower's user follows target's user, and waits until target's Accept has arrived."""
    follower.cli("follow", follower.user, target.handle)
    wait_for(lambda: follow_state(follower, target, on=follower) == "accepted")


def follow_state(follower: Instance, target: Instance, *, on: Instance) -> str | None:
    """The state of follower's user's follow of target's user, as the server `on` has it
    (either of the two)."""
    who, whom = aliased(Account), aliased(Account)

    async def state(session: AsyncSession) -> str | None:
        return await session.scalar(
            select(Follow.state)
            .join(who, who.id == Follow.follower_id)
            .join(whom, whom.id == Follow.target_id)
            .where(who.uri == follower.actor, whom.uri == target.actor)
        )

    return query(on.config, state)
