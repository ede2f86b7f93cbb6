"""Mastodon's `Idempotency-Key` on POST /api/v1/statuses: the same key from the same user
within an hour gives the status made the first time, not a second post.

Kept in this process's memory, as Mastodon keeps it in Redis for an hour, not in the
database: it only guards an app's retry of a request it did not see answered, which comes
within seconds to the same server; a restart in between may let a retry post twice, which
the person can delete. A request arriving while the first with its key is still painting
waits for it (one lock per key) rather than painting again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

TTL = 3600.0  # Mastodon: the key is remembered for an hour


@dataclass
class Remembered:
    """What a key made (a post id once it is made) and the lock its requests share."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    post_id: int | None = None
    at: float = field(default_factory=time.monotonic)


_KEYS: dict[tuple[int, str], Remembered] = {}


def _forget_old(now: float) -> None:
    for key in [
        key for key, seen in _KEYS.items() if now - seen.at > TTL and not seen.lock.locked()
    ]:
        del _KEYS[key]


@asynccontextmanager
async def once(account_id: int, key: str) -> AsyncIterator[Remembered]:
    """Hold the key's slot: `post_id` is what it made before (None: make it, and set it)."""
    now = time.monotonic()
    _forget_old(now)
    seen = _KEYS.setdefault((account_id, key), Remembered(at=now))
    async with seen.lock:
        yield seen
