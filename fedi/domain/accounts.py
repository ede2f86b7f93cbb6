"""Accounts: local users (creation, the acting user) and the instance actor; a remote actor's
Update of itself."""

from __future__ import annotations

import asyncio
import re

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity
from activitypub.actors import ACTOR_TYPES
from activitypub.keys import generate_rsa_keypair
from activitypub.urls import ids_equal
from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain.limits import refuse_over
from fedi.federation.actors import fetch_actor
from fedi.media.files import new_file_name, write_file
from fedi.media.pipeline import Provenance, process_image
from generators.base import GenerationRequest
from generators.builtin import BuiltinGenerator
from storage import accounts
from storage.models import Account

USERNAME = re.compile(r"^[A-Za-z0-9_]{1,30}$")


class AccountError(UserError):
    """A local account cannot be created, found or act; the message says why."""


async def acting_user(
    session: AsyncSession, username: str, *, suspended_too: bool = False
) -> Account:
    """The local user `username`, who is about to act (post, like, follow, read their
    timeline ...). AccountError when there is no such user, when the account was deleted
    (its row stays, suspended, to sign its farewell), while an admin suspends it (a picture
    still being made then is not posted; `suspended_too` for an admin's own acts on it), or
    for the reserved instance actor, which acts for the server and never for a person."""
    account = await accounts.local_account(session, username, include_deleted=True)
    if account is None:
        raise AccountError(f"no local user {username!r}")
    if account.username == INSTANCE_ACTOR:
        raise AccountError(f"no local user {username!r}: the name is reserved for the server")
    if account.suspended_at is not None:
        raise AccountError(f"no local user {username!r}: the account was deleted")
    if account.suspended_since is not None and not suspended_too:
        raise AccountError(f"{username} is suspended")
    return account


async def create_user(
    svc: Services,
    username: str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    manually_approves: bool = False,
    admin: bool = False,
) -> Account:
    """Create a local user with a fresh RSA key pair."""
    if not USERNAME.match(username):
        raise AccountError("username must be 1-30 letters, digits or underscores")
    limit, name = svc.settings.limits.display_name_chars, display_name or ""
    refuse_over(len(name), limit, "display_name_chars", "the display name", AccountError)
    password_hash = PasswordHasher().hash(password) if password else None
    private_pem, public_pem = await asyncio.to_thread(generate_rsa_keypair)
    icon_url = await _paint_avatar(svc, username)
    urls = svc.urls
    async with svc.sessions.begin() as session:
        if await accounts.local_account(session, username, include_deleted=True) is not None:
            raise AccountError(f"user {username!r} already exists")
        return await accounts.create_local(
            session,
            admin=admin,
            password_hash=password_hash,
            uri=urls.actor(username),
            username=username,
            display_name=display_name or username,
            url=urls.profile(username),
            icon_url=icon_url,
            inbox_url=urls.inbox(username),
            shared_inbox_url=urls.shared_inbox,
            outbox_url=urls.collection(username, "outbox"),
            followers_url=urls.collection(username, "followers"),
            public_key_id=urls.key_id(username),
            public_key_pem=public_pem,
            private_key_pem=private_pem,
            manually_approves_followers=manually_approves,
        )


async def _paint_avatar(svc: Services, username: str) -> str:
    """A starting profile picture, painted offline by the built-in model (costs nothing)."""
    request = GenerationRequest(prompt=f"portrait of {username}, soft light", width=400, height=400)
    image = await BuiltinGenerator().generate(request)
    meta = image.metadata
    provenance = Provenance(
        model=meta.model, backend=meta.backend, prompt=request.prompt, seed=meta.seed
    )
    processed = await asyncio.to_thread(
        process_image, image.data, provenance=provenance, output_format=svc.settings.media.format
    )
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    return svc.urls.media(file_name)


async def ensure_instance_actor(svc: Services) -> Account:
    """The Application actor that signs the server's own fetches; created on first use."""
    async with svc.reads() as session:
        existing = await accounts.local_account(session, INSTANCE_ACTOR)
    if existing is not None:
        return existing
    private_pem, public_pem = await asyncio.to_thread(generate_rsa_keypair)
    uri = svc.urls.instance_actor
    async with svc.sessions.begin() as session:
        return await accounts.create_local(
            session,
            password_hash=None,
            uri=uri,
            username=INSTANCE_ACTOR,
            actor_type="Application",
            display_name=svc.settings.instance.name,
            url=svc.settings.instance.url,
            inbox_url=f"{uri}/inbox",
            shared_inbox_url=svc.urls.shared_inbox,
            outbox_url=f"{uri}/outbox",
            followers_url=None,
            public_key_id=f"{uri}#main-key",
            public_key_pem=public_pem,
            private_key_pem=private_pem,
            manually_approves_followers=True,
            discoverable=False,
        )


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
