"""Fan-out: one post to 10,000 followers on 1,000 shared inboxes served by a loopback sink.

Measures deliveries per second from one worker process (signing, POSTing, recording), next to
the RSA-2048 signatures per second this machine does, which bounds it.

    .venv/bin/python bench/bench_fanout.py [--followers 10000] [--inboxes 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fedi.core.services import Services  # noqa: E402
from fedi.core.settings import Settings  # noqa: E402
from fedi.domain.accounts import create_user  # noqa: E402
from fedi.domain.posting import Draft, make_post  # noqa: E402
from fedi.workers.delivery import DeliveryWorker  # noqa: E402
from storage import deliveries  # noqa: E402
from storage.ids import new_id  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Account, Follow  # noqa: E402
from tests.support.servers import free_port  # noqa: E402


def rsa_signs_per_second(seconds: float = 2.0) -> float:
    """RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on one core, via cryptography."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        key.sign(b"(request-target): post /inbox", padding.PKCS1v15(), hashes.SHA256())
        count += 1
    return count / (time.perf_counter() - start)


async def _seed(svc: Services, sink: str, followers: int, inboxes: int) -> None:
    await upgrade(svc.engine)
    alice = await create_user(svc, "alice")
    per_inbox = max(1, followers // inboxes)
    async with svc.sessions.begin() as session:
        accounts, follows = [], []
        for i in range(followers):
            host = f"peer{i // per_inbox}"
            uri = f"{sink}/{host}/users/u{i}"
            account_id = new_id()
            accounts.append(
                Account(
                    id=account_id,
                    uri=uri,
                    username=f"u{i}",
                    domain=host,
                    inbox_url=f"{uri}/inbox",
                    shared_inbox_url=f"{sink}/{host}/inbox",
                    public_key_id=f"{uri}#main-key",
                    public_key_pem="x",
                )
            )
            follows.append(
                Follow(uri=f"{uri}#f", follower_id=account_id, target_id=alice.id, state="accepted")
            )
        session.add_all(accounts)
        await session.flush()
        session.add_all(follows)


async def run(followers: int, inboxes: int, concurrency: int) -> None:
    sink_port = free_port()
    sink = subprocess.Popen([sys.executable, str(ROOT / "bench/sink.py"), str(sink_port)])
    sink_base = f"http://127.0.0.1:{sink_port}"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate(
            {
                "instance": {"url": "http://127.0.0.1:9"},
                "database": {
                    "url": os.environ.get(
                        "BENCH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp}/bench.db"
                    )
                },
                "media": {"dir": f"{tmp}/media"},
                "federation": {
                    "allow_private_addresses": True,
                    "delivery_concurrency": concurrency,
                },
            }
        )
        svc = Services.create(settings)
        try:
            await _seed(svc, sink_base, followers, inboxes)
            await make_post(svc, Draft("alice", "ten thousand lanterns over a harbour"))
            async with svc.sessions() as session:
                queued = (await deliveries.counts(session)).get("pending", 0)
            stop = asyncio.Event()
            worker = DeliveryWorker(svc)
            start = time.perf_counter()
            task = asyncio.create_task(worker.run(stop))
            while True:
                await asyncio.sleep(0.05)
                async with svc.sessions() as session:
                    counts = await deliveries.counts(session)
                if counts.get("pending", 0) == 0:
                    break
            elapsed = time.perf_counter() - start
            stop.set()
            await task
        finally:
            await svc.close()
            with urllib.request.urlopen(f"{sink_base}/count") as response:
                received = int(response.read())
            sink.terminate()
            sink.wait()
    print(f"followers: {followers}  inboxes (deliveries): {queued}  concurrency: {concurrency}")
    print(f"outcomes: {counts}  sink received: {received}")
    print(f"fan-out: {queued / elapsed:,.0f} deliveries/s ({elapsed:.2f} s for {queued})")
    print(f"RSA-2048 signatures/s on one core (cryptography): {rsa_signs_per_second():,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--inboxes", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    asyncio.run(run(args.followers, args.inboxes, args.concurrency))


if __name__ == "__main__":
    main()
