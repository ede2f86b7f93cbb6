"""The public keys of other servers' actors, as the signature check asks for them: from
memory or the database, else fetched once however many requests wait for it, a forced
refresh at most once a minute per key.

The store is one per process (`Services.keys`) and holds no reference back to Services: how a
key is fetched (a signed GET that also stores its actor, fedi.federation.actors.fetch_key) is
passed with each lookup by the code that verifies requests (fedi.federation.receive).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.actors import ActorParseError
from activitypub.http import ConnectError, FetchError, FetchTimeout, HTTPStatusError
from activitypub.keys import PublicKey
from activitypub.signatures import KeyUnavailable
from storage import accounts
from storage.trouble import trouble

log = logging.getLogger(__name__)

# One forced key re-fetch per key id per this many seconds: a rotated key is picked up at once,
# but a flood of badly signed requests cannot make us hammer the signer's server.
REFRESH_INTERVAL = 60.0
# Keys stay in memory this long between database reads (a rotation refreshes them at once).
MEMORY_TTL = 300.0
# Seconds a sender is asked to wait before retrying when its key could not be fetched for now
# (Impasto's own delivery backoff starts at 30 s too; others retry a 5xx on their own schedule).
RETRY_AFTER = 30

KeyFetch = Callable[[str], Awaitable[PublicKey | None]]


def _for_now(exc: Exception) -> bool:
    """Whether a failed key fetch says nothing about the key: no answer in time, no connection,
    a 5xx, 408 or 429 from its server, or our own database busy. A 404/410 (or any other 4xx),
    a document without the key, or an actor that cannot be stored is an answer: no such key."""
    if isinstance(exc, HTTPStatusError):
        return exc.status >= 500 or exc.status in (408, 429)
    if isinstance(exc, SQLAlchemyError):
        return trouble(exc) is not None  # read-only, full, locked, unreachable; not a bug
    return isinstance(exc, FetchTimeout | ConnectError)


@dataclass(frozen=True)
class _Fetched:
    """How one key fetch ended: the key, None, or why it could not be told for now."""

    key: PublicKey | None
    unavailable: str | None = None


class KeyStore:
    """Answers the signature verifier's key lookups: cache first, one rate-limited refresh.

    Concurrent lookups of one key id share one fetch: a burst of activities from a server we
    do not know yet, or that just rotated its key, waits for that one fetch (however slow,
    within the HTTP client's deadline) instead of each request fetching, or being refused."""

    def __init__(
        self,
        *,
        reads: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        blocked: Callable[[str], Awaitable[bool]],
    ) -> None:
        self._reads = reads
        self._blocked = blocked
        self._refreshed: dict[str, float] = {}
        self._memory: dict[str, tuple[float, PublicKey]] = {}
        self._failed: dict[str, float] = {}
        self._fetching: dict[str, asyncio.Task[_Fetched]] = {}
        self._fetched: dict[str, tuple[float, PublicKey]] = {}  # when the last fetch found it

    async def lookup(self, key_id: str, refresh: bool, *, fetch: KeyFetch) -> PublicKey | None:
        """The key `key_id` from memory or the database, or fetched with `fetch` from its
        owner's server; raises KeyUnavailable when that server cannot be asked for now."""
        asked_at = time.monotonic()
        if await self._blocked(urlsplit(key_id).netloc):
            return None  # a blocked server: not trusted, not even asked
        if not refresh:
            key = await self._cached(key_id)
            if key is not None:
                return key
        fetching = self._fetching.get(key_id)
        if fetching is None:
            # A key id found missing is not fetched again for a while, so a flood of requests
            # naming it makes one fetch, not one each. A fetch that failed for now is not
            # remembered: requests meanwhile wait for the one in flight, the next makes another.
            if self._failed_recently(key_id):
                return None
            last = self._fetched.get(key_id)
            if not refresh:
                if last is not None and last[0] >= asked_at:
                    return last[1]  # a fetch ended while this lookup read the database
            elif not self._may_refresh(key_id):
                # Rate limited: the key the last refresh brought, which this request may not
                # have seen when it asked (it read the old key while that refresh ran).
                if last is not None and last[0] >= self._refreshed[key_id]:
                    return last[1]
                return None
            fetching = asyncio.create_task(self._fetch_once(key_id, fetch))
            self._fetching[key_id] = fetching
        # Shielded: a sender that hangs up must not cancel the fetch the others wait for.
        fetched = await asyncio.shield(fetching)
        if fetched.unavailable is not None:
            raise KeyUnavailable(
                f"key {key_id!r} could not be fetched for now: {fetched.unavailable}",
                RETRY_AFTER,
            )
        return fetched.key

    async def _fetch_once(self, key_id: str, fetch: KeyFetch) -> _Fetched:
        """The one fetch of `key_id` that concurrent lookups share."""
        try:
            key = await fetch(key_id)
        except (FetchError, ActorParseError, SQLAlchemyError) as exc:
            if _for_now(exc):
                log.info("key %s could not be fetched for now: %s", key_id, exc)
                self._refreshed.pop(key_id, None)  # the next request may try again
                return _Fetched(None, str(exc))
            if isinstance(exc, SQLAlchemyError):
                # Storing its actor failed (e.g. a second actor under a name its server
                # already gave another): an unknown key, a 401 for the sender, not a 500.
                log.exception("key %s: its actor could not be stored", key_id)
            else:
                log.info("key %s could not be fetched: %s", key_id, exc)
            key = None
        finally:
            self._fetching.pop(key_id, None)
        if key is None:
            if len(self._failed) > 10_000:
                self._failed.clear()
            self._failed[key_id] = time.monotonic()
        else:
            self._failed.pop(key_id, None)
            if len(self._fetched) > 10_000:
                self._fetched.clear()
            self._fetched[key_id] = (time.monotonic(), key)
            self._remember(key)
        return _Fetched(key)

    def _failed_recently(self, key_id: str) -> bool:
        failed_at = self._failed.get(key_id)
        if failed_at is None or time.monotonic() - failed_at >= REFRESH_INTERVAL:
            return False
        return True

    async def _cached(self, key_id: str) -> PublicKey | None:
        hit = self._memory.get(key_id)
        if hit is not None and time.monotonic() - hit[0] < MEMORY_TTL:
            return hit[1]
        async with self._reads() as session:
            account = await accounts.by_key_id(session, key_id)
        if account is None:
            return None
        key = PublicKey(account.public_key_id, account.uri, account.public_key_pem)
        self._remember(key)
        return key

    def forget(self, key_id: str) -> None:
        """Drop a key from memory (its owner said it changed)."""
        self._memory.pop(key_id, None)
        self._fetched.pop(key_id, None)

    def _remember(self, key: PublicKey) -> None:
        if len(self._memory) > 10_000:
            self._memory.clear()
        self._memory[key.key_id] = (time.monotonic(), key)

    def _may_refresh(self, key_id: str) -> bool:
        now = time.monotonic()
        if now - self._refreshed.get(key_id, -REFRESH_INTERVAL) < REFRESH_INTERVAL:
            return False
        if len(self._refreshed) > 10_000:
            self._refreshed.clear()
        self._refreshed[key_id] = now
        return True
