"""A crash mid-delivery loses nothing: SIGKILL with 50 in flight, restart, all arrive once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.keys import PublicKey
from activitypub.signatures import verify_request
from storage.models import Account, Delivery
from tests.support import rows
from tests.support.databases import DatabaseFactory
from tests.support.inspect import query
from tests.support.peer import Peer
from tests.support.servers import Server, free_port, run_cli, write_config

FOLLOWERS = 50


async def _black_hole(port: int) -> tuple[asyncio.Server, list[asyncio.StreamWriter]]:
    """A peer that is 'down' in the worst way: it accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    return await asyncio.start_server(hold, "127.0.0.1", port), held


def _add_followers(config: Path, peer_base: str) -> None:
    async def add(session: AsyncSession) -> None:
        alice = (
            await session.execute(select(Account).where(Account.username == "alice"))
        ).scalar_one()
        for i in range(FOLLOWERS):
            actor = f"{peer_base}/users/f{i}"
            account = rows.account(actor, f"f{i}", peer_base.split("//")[1])
            session.add(account)
            await session.flush()
            session.add(rows.accepted_follow(f"{actor}#follow", account.id, alice.id))
        await session.commit()

    query(config, add, write=True)


def _leased(config: Path) -> int:
    async def leased(session: AsyncSession) -> int:
        stmt = select(func.count()).where(Delivery.locked_until.is_not(None))
        return int((await session.execute(stmt)).scalar_one())

    return query(config, leased)


def _states(config: Path) -> dict[str, int]:
    async def states(session: AsyncSession) -> dict[str, int]:
        rows = await session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {state: int(n) for state, n in rows.all()}

    return query(config, states)


async def test_sigkill_mid_delivery_then_restart_delivers_all_once(
    tmp_path: Path, databases: DatabaseFactory
) -> None:
    port, peer_port = free_port(), free_port()
    peer_base = f"http://127.0.0.1:{peer_port}"
    # The kill must come while the POSTs still wait for the black hole, within request_timeout;
    # the restarted server then waits out the leases, which settings require to be longer.
    config = write_config(
        tmp_path / "config.toml",
        port=port,
        database_url=databases.new_url(),
        federation={"request_timeout": 5.0, "delivery_lease": 6.0, "retry_delay_factor": 0.01},
    )
    await asyncio.to_thread(run_cli, config, "init")
    await asyncio.to_thread(run_cli, config, "user", "create", "alice")
    await asyncio.to_thread(_add_followers, config, peer_base)

    hole, held = await _black_hole(peer_port)
    server = Server(config, port, tmp_path / "server.log")
    await asyncio.to_thread(server.start)
    peer = Peer(port=peer_port)
    try:
        await asyncio.to_thread(run_cli, config, "post", "alice", "fifty quiet harbours")
        for _ in range(200):  # wait until the worker has POSTs in flight
            if held and await asyncio.to_thread(_leased, config) == FOLLOWERS:
                break
            await asyncio.sleep(0.05)
        assert held, "no delivery reached the peer"
        assert await asyncio.to_thread(_leased, config) == FOLLOWERS
        server.kill()  # SIGKILL: leases held, nothing recorded
        assert (await asyncio.to_thread(_states, config)) == {"pending": FOLLOWERS}

        hole.close()
        for writer in held:
            writer.close()
        await hole.wait_closed()
        await peer.start()
        await asyncio.to_thread(server.start)
        for _ in range(300):
            if len(peer.received) >= FOLLOWERS:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything extra would arrive now
        alice = await asyncio.to_thread(server.get, "/users/alice", "application/activity+json")
    finally:
        await asyncio.to_thread(server.stop)
        await peer.stop()

    paths = Counter(item.path for item in peer.received)
    assert len(paths) == FOLLOWERS and set(paths.values()) == {1}, paths
    assert (await asyncio.to_thread(_states, config)) == {"delivered": FOLLOWERS}

    # Every delivery is the same Create, signed by alice with a signature that verifies.
    async def alice_key(key_id: str, _refresh: bool) -> PublicKey | None:
        key = alice["publicKey"]
        return PublicKey(key["id"], key["owner"], key["publicKeyPem"])

    first = peer.received[0]
    for item in peer.received:
        verified = await verify_request(
            method="POST",
            target=item.path,
            headers=item.headers,
            body=item.body,
            expected_host=f"127.0.0.1:{peer_port}",
            lookup_key=alice_key,
        )
        assert verified.owner == f"http://127.0.0.1:{port}/users/alice"
        assert item.json["id"] == first.json["id"] and item.json["type"] == "Create"
