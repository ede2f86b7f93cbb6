"""Pictures people upload from an app (POST /api/v2/media): through the same pipeline as a
generated one (bounded decode, re-encode, blurhash), labelled as uploaded by a person and never
as machine-made; kept unattached, for their uploader only, until a status carries them."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain.limits import refuse_over
from fedi.domain.records import RecordNotFound
from fedi.media.files import new_file_name, remove_files, write_file
from fedi.media.pipeline import MediaError, Uploaded, process_upload
from storage import media as stored
from storage.models import Account, MediaAttachment
from storage.timeutil import utcnow

# Uploads no status took are removed after this long (as Mastodon removes them after a day),
# when their uploader next uploads: a person cannot fill the disk with pictures never posted.
UNUSED_FOR = timedelta(days=1)


class UploadError(UserError):
    """A picture is refused; the message says why."""


def parse_focus(text: str) -> tuple[float, float]:
    """Mastodon's focal point "x,y", each between -1.0 and 1.0; UploadError otherwise."""
    parts = text.split(",")
    try:
        x, y = (float(part) for part in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        x = y = math.nan
    if not all(-1.0 <= value <= 1.0 for value in (x, y)):  # NaN fails too
        raise UploadError(f"focus must be two numbers from -1.0 to 1.0 as x,y, not {text!r}")
    return x, y


def _description(svc: Services, text: str | None) -> str:
    description = (text or "").strip()
    limit = svc.settings.limits.alt_text_chars
    refuse_over(len(description), limit, "alt_text_chars", "the description", UploadError)
    return description


async def upload(
    svc: Services,
    account: Account,
    data: bytes,
    *,
    description: str | None = None,
    focus: str | None = None,
) -> MediaAttachment:
    """Check, re-encode and store an uploaded picture; the new unattached row. UploadError
    (nothing stored) for anything but a picture within `[media]` upload limits."""
    text = _description(svc, description)
    point = parse_focus(focus) if focus else None
    try:
        processed = await process_upload(data, svc.settings.media, Uploaded(account.uri))
    except MediaError as exc:
        raise UploadError(f"the picture is refused: {exc.reason}") from None
    file_name = new_file_name(processed.extension)
    await asyncio.to_thread(write_file, svc.media_dir, file_name, processed.data)
    row = MediaAttachment(
        account_id=account.id,
        file_name=file_name,
        media_type=processed.media_type,
        width=processed.width,
        height=processed.height,
        file_size=len(processed.data),
        blurhash=processed.blurhash,
        description=text,
        origin=stored.UPLOADED,
        focus_x=point[0] if point else None,
        focus_y=point[1] if point else None,
    )
    try:
        async with svc.sessions.begin() as session:
            stale = await stored.remove_stale(session, account.id, utcnow() - UNUSED_FOR)
            session.add(row)
    except BaseException:
        await asyncio.to_thread(remove_files, svc.media_dir, [file_name])
        raise
    await asyncio.to_thread(remove_files, svc.media_dir, stale)
    return row


async def own_unattached(svc: Services, account: Account, media_id: int) -> MediaAttachment:
    """The account's picture not yet in a post; RecordNotFound for any other (Mastodon's 404)."""
    async with svc.reads() as session:
        row = await stored.unattached(session, account.id, media_id)
    if row is None:
        raise RecordNotFound(f"no media {media_id}")
    return row


async def update(
    svc: Services,
    account: Account,
    media_id: int,
    *,
    description: str | None = None,
    focus: str | None = None,
) -> MediaAttachment:
    """Change the alt text or focal point of the account's unattached picture."""
    text = _description(svc, description) if description is not None else None
    point = parse_focus(focus) if focus else None
    async with svc.sessions.begin() as session:
        row = await stored.unattached(session, account.id, media_id)
        if row is None:
            raise RecordNotFound(f"no media {media_id}")
        if text is not None:
            row.description = text
        if point is not None:
            row.focus_x, row.focus_y = point
    return row
