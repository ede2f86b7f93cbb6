"""Remote actors and their keys: fetched with a signed GET, cached in the accounts table."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

from sqlalchemy.exc import SQLAlchemyError

from activitypub.activities import Activity
from activitypub.actors import (
    ACTOR_TYPES,
    ActorParseError,
    RemoteActor,
    parse_actor,
    parse_public_key,
)
from activitypub.http import FetchError
from activitypub.keys import PublicKey
from activitypub.urls import ids_equal, same_origin
from storage import accounts
from storage.models import Account
from storage.timeutil import utcnow
from storage.trouble import trouble

from .services import Services

log = logging.getLogger(__name__)

# One forced key re-fetch per key id per this many seconds: a rotated key is picked up at once,
# but a flood of badly signed requests cannot make us hammer the signer's server.
REFRESH_INTERVAL = 60.0
# Keys stay in memory this long between database reads (a rotation refreshes them at once).
MEMORY_TTL = 300.0
# A cached remote actor older than this is fetched again when next needed.
ACTOR_MAX_AGE = timedelta(days=1)


def _account_fields(actor: RemoteActor) -> dict[str, Any]:
    return {
        "uri": actor.id,
        "username": actor.preferred_username,
        "domain": urlsplit(actor.id).netloc.lower(),
        "actor_type": actor.type,
        "display_name": actor.name or "",
        "summary": "",
        "url": actor.url,
        "icon_url": actor.icon_url,
        "inbox_url": actor.inbox,
        "shared_inbox_url": actor.shared_inbox,
        "outbox_url": actor.outbox,
        "followers_url": actor.followers,
        "public_key_id": actor.public_key.key_id,
        "public_key_pem": actor.public_key.pem,
        "manually_approves_followers": actor.manually_approves_followers,
    }


async def store_actor(svc: Services, actor: RemoteActor) -> Account:
    """Insert or refresh the cached copy of a remote actor."""
    async with svc.sessions.begin() as session:
        return await accounts.upsert_remote(session, _account_fields(actor))


async def fetch_actor(svc: Services, uri: str) -> Account:
    """Fetch a remote actor document (signed, id checked) and cache it."""
    if await svc.domain_blocked(urlsplit(uri).netloc):
        raise FetchError(f"{urlsplit(uri).netloc} is blocked on this server", uri)
    doc = await svc.http.get_json(uri, signer=await svc.instance_signer())
    actor = parse_actor(doc)
    # A redirect may lead to another actor's document (its id then matches the final URL):
    # whoever asked for `uri` must get that actor or nothing, never someone else.
    if not ids_equal(actor.id, uri):
        raise ActorParseError(f"{uri} answered with another actor, {actor.id}")
    return await store_actor(svc, actor)


async def get_actor(svc: Services, uri: str) -> Account:
    """The cached actor; fetched if unknown, refreshed if older than a day (the cached copy
    serves when its server does not answer)."""
    async with svc.reads() as session:
        account = await accounts.by_uri(session, uri)
    if account is None:
        return await fetch_actor(svc, uri)
    if account.fetched_at is None or utcnow() - account.fetched_at > ACTOR_MAX_AGE:
        try:
            return await fetch_actor(svc, uri)
        except (FetchError, ActorParseError) as exc:
            log.info("actor %s not refreshed, using the cached copy: %s", uri, exc)
    return account


async def on_update_actor(svc: Services, activity: Activity) -> None:
    """Update(Person): an actor changed its profile or key. Only the actor may update itself,
    and the new document is fetched from its origin rather than taken from the activity."""
    updated = activity.object or {}
    if updated.get("type") not in ACTOR_TYPES or not ids_equal(
        str(updated.get("id", "")), activity.actor
    ):
        return
    async with svc.reads() as session:
        before = await accounts.by_uri(session, activity.actor)
    account = await fetch_actor(svc, activity.actor)
    for key_id in {account.public_key_id, before.public_key_id if before else ""} - {""}:
        svc.keys.forget(key_id)  # the old key too, if the id changed


class KeyStore:
    """Answers the signature verifier's key lookups: cache first, one rate-limited refresh."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._refreshed: dict[str, float] = {}
        self._memory: dict[str, tuple[float, PublicKey]] = {}
        self._failed: dict[str, float] = {}

    async def lookup(self, key_id: str, refresh: bool) -> PublicKey | None:
        """The key `key_id` from memory or the database, or fetched from its owner's server."""
        if await self._svc.domain_blocked(urlsplit(key_id).netloc):
            return None  # a blocked server: not trusted, not even asked
        if not refresh:
            key = await self._cached(key_id)
            if key is not None:
                return key
        # A key id whose fetch failed is not fetched again for a while, so a flood of requests
        # naming an unknown or unreachable key makes one fetch, not one each.
        if self._failed_recently(key_id) or (refresh and not self._may_refresh(key_id)):
            return None
        try:
            key = await self._fetch(key_id)
        except (FetchError, ActorParseError) as exc:
            log.info("key %s could not be fetched: %s", key_id, exc)
            key = None
        except SQLAlchemyError as exc:
            if trouble(exc) is not None:
                raise  # the database is read-only, full …: a 503, and the sender tries again
            # Storing its actor failed (e.g. a second actor under a name its server already
            # gave another): an unknown key, a 401 for the sender, not a 500 for everyone.
            log.exception("key %s: its actor could not be stored", key_id)
            key = None
        if key is None:
            if len(self._failed) > 10_000:
                self._failed.clear()
            self._failed[key_id] = time.monotonic()
        else:
            self._failed.pop(key_id, None)
            self._remember(key)
        return key

    def _failed_recently(self, key_id: str) -> bool:
        failed_at = self._failed.get(key_id)
        if failed_at is None or time.monotonic() - failed_at >= REFRESH_INTERVAL:
            return False
        return True

    async def _cached(self, key_id: str) -> PublicKey | None:
        hit = self._memory.get(key_id)
        if hit is not None and time.monotonic() - hit[0] < MEMORY_TTL:
            return hit[1]
        async with self._svc.reads() as session:
            account = await accounts.by_key_id(session, key_id)
        if account is None:
            return None
        key = PublicKey(account.public_key_id, account.uri, account.public_key_pem)
        self._remember(key)
        return key

    def forget(self, key_id: str) -> None:
        """Drop a key from memory (its owner said it changed)."""
        self._memory.pop(key_id, None)

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

    async def _fetch(self, key_id: str) -> PublicKey | None:
        url = urldefrag(key_id).url
        svc = self._svc
        if ids_equal(url, svc.settings.instance.url) or same_origin(url, svc.urls.base):
            return None  # our own keys are all in the database
        doc = await svc.http.get_json(url, signer=await svc.instance_signer(), expect_id=False)
        if not same_origin(str(doc.get("id", "")), key_id):
            return None
        key = parse_public_key(doc, key_id)
        if "inbox" in doc and ids_equal(str(doc.get("id")), key.owner):
            await store_actor(svc, parse_actor(doc))  # the key document is the actor itself
        else:
            account = await fetch_actor(svc, key.owner)  # a standalone key: check its owner
            if account.public_key_id != key_id:
                return None
        return key
