"""Remote actors and their keys: fetched with a signed GET, cached in the accounts table."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

from activitypub.actors import (
    ActorParseError,
    RemoteActor,
    parse_actor,
    parse_public_key,
)
from activitypub.http import FetchError
from activitypub.keys import PublicKey
from activitypub.urls import ids_equal, same_origin
from fedi.core.services import Services
from fedi.federation.sanitize import clean_html
from fedi.media.files import remove_files
from storage import account_images, accounts
from storage.models import Account
from storage.timeutil import utcnow

log = logging.getLogger(__name__)
# Characters of a remote bio read (its HTML, before sanitising; Mastodon keeps 500 of a local
# bio's text, and its own remote bios are HTML of about that): the rest is not kept.
BIO_HTML_CHARS = 20_000

# A cached remote actor older than this is fetched again when next needed.
ACTOR_MAX_AGE = timedelta(days=1)


def _account_fields(actor: RemoteActor, name_chars: int) -> dict[str, Any]:
    return {
        "uri": actor.id,
        "username": actor.preferred_username,
        "domain": urlsplit(actor.id).netloc.lower(),
        "actor_type": actor.type,
        "display_name": (actor.name or "")[:name_chars],  # [limits] remote_display_name_chars
        # The bio as sanitised HTML (on arrival, as every remote HTML), shown as it came.
        "summary": clean_html((actor.summary or "")[:BIO_HTML_CHARS]),
        "url": actor.url,
        "icon_url": actor.icon_url,
        "header_url": actor.image_url,
        "inbox_url": actor.inbox,
        "shared_inbox_url": actor.shared_inbox,
        "outbox_url": actor.outbox,
        "followers_url": actor.followers,
        "public_key_id": actor.public_key.key_id,
        "public_key_pem": actor.public_key.pem,
        "manually_approves_followers": actor.manually_approves_followers,
    }


async def store_actor(svc: Services, actor: RemoteActor) -> Account:
    """Insert or refresh the cached copy of a remote actor. A new or changed avatar or header
    is queued for a copy here (fedi.workers.account_images) and the old copy removed."""
    async with svc.sessions.begin() as session:
        fields = _account_fields(actor, svc.settings.limits.remote_display_name_chars)
        account = await accounts.upsert_remote(session, fields)
        pictures = await account_images.follow_pictures(session, account)
    if pictures.queued:
        svc.image_wakeup.set()
    await asyncio.to_thread(remove_files, svc.media_dir, pictures.stale)
    return account


async def fetch_actor(svc: Services, uri: str) -> Account:
    """Fetch a remote actor document (signed, id checked) and cache it. Never one of ours:
    a local account lives in the database, and a copy fetched from our own URL would be
    stored as a remote actor over it."""
    if same_origin(uri, svc.urls.base):
        raise ActorParseError(f"{uri} is on this server: local accounts are not fetched")
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
    serves when its server does not answer). A local account is taken as it is."""
    async with svc.reads() as session:
        account = await accounts.by_uri(session, uri)
    if account is not None and account.is_local:
        return account
    if account is None:
        return await fetch_actor(svc, uri)
    if account.fetched_at is None or utcnow() - account.fetched_at > ACTOR_MAX_AGE:
        try:
            return await fetch_actor(svc, uri)
        except (FetchError, ActorParseError) as exc:
            log.info("actor %s not refreshed, using the cached copy: %s", uri, exc)
    return account


async def fetch_key(svc: Services, key_id: str) -> PublicKey | None:
    """Fetch the key `key_id` from its owner's server (signed GET) and store its actor; None
    when there is no such key. Fetch and storage errors propagate, for the KeyStore to judge."""
    url = urldefrag(key_id).url
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
