"""Inbox: signed Create activities accepted per second by one `impasto serve` on SQLite.

A loopback fake peer publishes the keys of 32 senders; N Creates mentioning a local user are
signed beforehand (signing is the sender's cost, not ours) and POSTed by an aiohttp client with
many connections. Every 202 means the signature was verified and the activity durably stored.
It then waits until the inbox worker has turned every Create into a stored post, and reports
that rate too.

    .venv/bin/python bench/bench_inbox.py [--requests 5000] [--connections 64] [--senders 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.peer import Peer  # noqa: E402
from tests.support.servers import Server, free_port, run_cli, write_config  # noqa: E402


def _create(actor_id: str, n: int, target: str) -> bytes:
    note = {
        "id": f"{actor_id}/statuses/{n}",
        "type": "Note",
        "attributedTo": actor_id,
        "content": f"<p>post {n}</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{actor_id}/followers"],
        "published": "2026-11-24T12:00:00Z",
    }
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{actor_id}/statuses/{n}/activity",
            "type": "Create",
            "actor": actor_id,
            "object": note,
            "to": note["to"],
            "cc": note["cc"],
            "tag": [{"type": "Mention", "href": target}],
        }
    ).encode()


async def _drained(database: Path, total: int, start: float) -> float | None:
    """Seconds from `start` until every stored activity has been processed, or None."""
    with sqlite3.connect(database, timeout=10) as db:
        while time.perf_counter() - start < 120:
            done = db.execute("SELECT count(*) FROM inbox_activities WHERE state = 'done'")
            if done.fetchone()[0] >= total:
                return time.perf_counter() - start
            await asyncio.sleep(0.1)
    return None


async def run(requests: int, connections: int, senders: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        config = write_config(
            Path(tmp) / "config.toml", port=port, database_url=f"sqlite+aiosqlite:///{tmp}/bench.db"
        )
        await asyncio.to_thread(run_cli, config, "init")
        await asyncio.to_thread(run_cli, config, "user", "create", "alice")
        server = await asyncio.to_thread(Server(config, port, Path(tmp) / "server.log").start)
        peer = await Peer().start()
        actors = [peer.add_actor(f"sender{i}") for i in range(senders)]
        inbox = f"{server.base}/inbox"
        target = f"{server.base}/users/alice"
        signers = [actor.signer for actor in actors]  # loading a private key is slow: once
        signed = []
        for n in range(senders + requests):  # the first from each sender warms its key up
            actor, signer = actors[n % senders], signers[n % senders]
            body = _create(actor.id, n, target)
            signed.append((body, dict(signer.sign("POST", inbox, body))))
        statuses: dict[int, int] = {}
        errors: list[str] = []
        try:
            connector = aiohttp.TCPConnector(limit=connections)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def send(body: bytes, headers: dict[str, str]) -> None:
                    headers["Content-Type"] = "application/activity+json"
                    async with session.post(inbox, data=body, headers=headers) as response:
                        answer = await response.read()
                        if response.status != 202 and len(errors) < 5:
                            errors.append(answer.decode(errors="replace"))
                        statuses[response.status] = statuses.get(response.status, 0) + 1

                for warm_up in signed[:senders]:  # each sender's key is fetched and cached
                    await send(*warm_up)
                queue = iter(signed[senders:])

                async def client() -> None:
                    for body, headers in queue:
                        await send(body, headers)

                start = time.perf_counter()
                await asyncio.gather(*(client() for _ in range(connections)))
                elapsed = time.perf_counter() - start
            processed_in = await _drained(Path(tmp) / "bench.db", requests + senders, start)
        finally:
            server.stop()
            await peer.stop()
            if set(statuses) != {202}:
                print((Path(tmp) / "server.log").read_text()[-4000:])
    accepted = statuses.get(202, 0) - senders
    for answer in errors:
        print("refused:", answer[:300])
    print(f"requests: {requests}  connections: {connections}  statuses: {statuses}")
    print(
        f"inbox: {accepted / elapsed:,.0f} signed activities/s verified and stored "
        f"({elapsed:.2f} s)"
    )
    if processed_in is None:
        print("processing (posts stored) did not finish within 120 s")
    else:
        print(
            f"processed (each Create turned into a stored post) {processed_in:.2f} s after the "
            f"first request: {requests / processed_in:,.0f}/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--senders", type=int, default=32, help="remote actors sending")
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.connections, args.senders))


if __name__ == "__main__":
    main()
