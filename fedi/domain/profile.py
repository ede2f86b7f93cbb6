"""A local user changes their profile (Mastodon's update_credentials): name, bio, pictures,
metadata fields, who may follow without asking, and posting defaults; followers are sent an
Update of the actor. Limits come from [limits]; a refusal names the limit it broke."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from activitypub import objects
from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.limits import refuse_over
from fedi.federation.as2.activities import update_actor
from fedi.federation.as2.actors import actor_info
from fedi.federation.outbox import queue
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import MediaError, Provenance, process_image
from storage.follows import follower_inboxes
from storage.models import Account

# Mastodon's `source[privacy]` choices (a default of `direct` is refused there too).
PRIVACIES = ("public", "unlisted", "private")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# Mastodon stores an avatar at most 400x400 and a header at most 1500x500 pixels.
AVATAR_SIDE, HEADER_SIDE = 400, 1500


class ProfileError(UserError):
    """A profile change refused; the message says which limit or value."""


@dataclass(frozen=True)
class ProfileChange:
    """What a user asks to change; None leaves a value as it is."""

    display_name: str | None = None
    note: str | None = None
    avatar: bytes | None = None
    header: bytes | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    fields: list[tuple[str, str]] | None = None
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    # How the model made a painted avatar or header (None: a person's upload), written into
    # the stored file as posts' pictures are labelled.
    avatar_provenance: Provenance | None = None
    header_provenance: Provenance | None = None


def check(svc: Services, change: ProfileChange) -> None:
    """Refuse a change over the [limits] or with a value Mastodon would not take."""
    limits = svc.settings.limits
    if change.display_name is not None:
        count = len(change.display_name)
        refuse_over(
            count, limits.display_name_chars, "display_name_chars", "the display name", ProfileError
        )
    if change.note is not None:
        refuse_over(len(change.note), limits.bio_chars, "bio_chars", "the bio", ProfileError)
    for name, value in change.fields or []:
        for what, text in (("a field's name", name), ("a field's value", value)):
            refuse_over(
                len(text), limits.profile_field_chars, "profile_field_chars", what, ProfileError
            )
    if change.fields is not None and len(change.fields) > limits.profile_fields:
        raise ProfileError(
            f"{len(change.fields)} profile fields; at most {limits.profile_fields} are allowed "
            "([limits] profile_fields)"
        )
    if change.privacy is not None and change.privacy not in PRIVACIES:
        raise ProfileError(f"source[privacy] must be one of {', '.join(PRIVACIES)}")
    if change.language and not LANGUAGE.match(change.language):
        raise ProfileError("source[language] must be an ISO 639 language code such as 'en'")


async def _picture(
    svc: Services, data: bytes | None, what: str, side: int, provenance: Provenance | None
) -> str | None:
    """Check, re-encode and store a picture; its file name (None: no picture)."""
    if data is None:
        return None
    limit = svc.settings.limits.profile_image_bytes
    try:
        processed = await asyncio.to_thread(
            process_image,
            data,
            provenance=provenance,  # None for a person's upload: no claim of being machine-made
            max_bytes=limit,
            max_pixels=svc.settings.media.max_pixels,
            max_side=side,
            output_format=svc.settings.media.format,
        )
    except MediaError as exc:
        suffix = " ([limits] profile_image_bytes)" if len(data) > limit else ""
        raise ProfileError(f"the {what} was refused: {exc}{suffix}") from None
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    return file_name


def _apply(svc: Services, account: Account, change: ProfileChange, files: dict[str, str]) -> None:
    plain = {
        "display_name": change.display_name,
        "summary": change.note,
        "manually_approves_followers": change.locked,
        "discoverable": change.discoverable,
        "default_privacy": change.privacy,
        "default_sensitive": change.sensitive,
        "default_language": change.language,
    }
    for attribute, value in plain.items():
        if value is not None:
            setattr(account, attribute, value)
    if change.bot is not None:
        account.actor_type = "Service" if change.bot else "Person"
    if change.fields is not None:
        account.profile_fields = [{"name": n, "value": v} for n, v in change.fields]
    if "avatar" in files:
        account.icon_url = svc.urls.media(files["avatar"])
    if "header" in files:
        account.header_url = svc.urls.media(files["header"])


async def update_profile(svc: Services, username: str, change: ProfileChange) -> Account:
    """Change a local user's profile and send their followers an Update of the actor, in
    one transaction; pictures are stored first (and removed again if the change fails)."""
    check(svc, change)
    files: dict[str, str] = {}
    try:
        for what, data, side, provenance in (
            ("avatar", change.avatar, AVATAR_SIDE, change.avatar_provenance),
            ("header", change.header, HEADER_SIDE, change.header_provenance),
        ):
            name = await _picture(svc, data, what, side, provenance)
            if name is not None:
                files[what] = name
        async with svc.sessions.begin() as session:
            account = await acting_user(session, username)
            _apply(svc, account, change, files)
            await session.flush()
            doc = objects.actor(actor_info(svc, account))
            inboxes = await follower_inboxes(session, account.id)
            await queue(session, account, update_actor(svc, account, doc), inboxes)
    except BaseException:
        await asyncio.to_thread(remove_files, svc.media_dir, list(files.values()))
        raise
    return account
