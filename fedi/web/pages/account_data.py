"""/settings/export (a zip of one's data, built by `domain.exports`) and /settings/delete
(the account deleted after the password is typed again: a Delete of the actor goes to every
server that knows it, and the session ends)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import IO

from quart import Blueprint, Response, redirect
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.domain import auth, deletes, exports
from fedi.web import sessions
from fedi.web.helpers import services
from fedi.web.pages.settings_common import checked_form, settings_page, to_sign_in, viewer
from fedi.web.ratelimit import app_counters
from storage.models import Account

bp = Blueprint("settings_data", __name__)
EXPORT, DELETE = "/settings/export", "/settings/delete"
CHUNK = 64 * 1024
# One export per account in each window of this many seconds (windows aligned to the clock,
# as every counter in fedi.web.ratelimit): each builds a zip of everything the person has.
EXPORT_PERIOD = 15 * 60


@bp.get(EXPORT)
async def export_page() -> Response | WerkzeugResponse:
    """What the export holds, and the button that makes it."""
    me = await viewer()
    if me is None:
        return to_sign_in(EXPORT)
    return await settings_page("settings_export.html", me)


async def _chunks(archive: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(archive.read, CHUNK):
            yield chunk
    finally:
        archive.close()  # the temporary file goes with it


@bp.post(EXPORT)
async def export() -> Response | WerkzeugResponse:
    """The zip, streamed from its temporary file."""
    me = await viewer()
    if me is None:
        return to_sign_in(EXPORT)
    await checked_form()
    verdict = app_counters().hit(f"export:{me.id}", 1, EXPORT_PERIOD)
    if not verdict.allowed:
        return await _come_back_later(me, verdict.reset_at)
    archive = await exports.archive(services(), me.username)
    response = Response(_chunks(archive), content_type="application/zip")
    name = f"impasto-{me.username}-export.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


async def _come_back_later(me: Account, reset_at: float) -> Response:
    """429: an export was made lately; the page says when the next one can be made."""
    wait = max(1, math.ceil(reset_at - time.time()))
    minutes = max(1, math.ceil(wait / 60))
    at = datetime.fromtimestamp(reset_at, UTC).strftime("%H:%M UTC")
    why = (
        f"You made an export a short while ago. The next one can be made at {at}, "
        f"in {minutes} minute{'s' * (minutes != 1)}."
    )
    page = await settings_page("settings_export.html", me, 429, error=why)
    page.headers["Retry-After"] = str(wait)
    return page


@bp.get(DELETE)
async def delete_page() -> Response | WerkzeugResponse:
    """What deleting the account does, and the password form that does it."""
    me = await viewer()
    if me is None:
        return to_sign_in(DELETE)
    return await settings_page("settings_delete.html", me)


@bp.post(DELETE)
async def delete_account() -> Response | WerkzeugResponse:
    """Check the password, delete the account (federated), end the session."""
    me = await viewer()
    if me is None:
        return to_sign_in(DELETE)
    form = await checked_form()
    svc = services()
    try:
        await auth.sign_in(svc, me.username, form.get("password", ""), sessions.client_address())
    except auth.SignInThrottled as exc:
        page = await settings_page("settings_delete.html", me, 429, error=str(exc))
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except auth.SignInError:
        why = "The password is wrong; the account was not deleted."
        return await settings_page("settings_delete.html", me, 422, error=why)
    await deletes.delete_account(svc, me.username)
    await sessions.end()
    return redirect("/", code=303)
