"""/settings/profile: a person's name, bio, avatar and header (uploaded, or painted by the
instance's model from a prompt), who may follow without asking, discoverability, the bot
flag and the profile's metadata fields. The change federates: `profile.update_profile`
sends followers an Update of the actor."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from quart import Blueprint, Response, redirect, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import profile, profile_pictures
from fedi.media.pipeline import Provenance
from fedi.web.helpers import services
from fedi.web.pages.settings_common import checked_form, settings_page, to_sign_in, viewer
from storage.models import Account

bp = Blueprint("settings_profile", __name__)
PATH = "/settings/profile"


def _values(account: Account) -> dict[str, Any]:
    """The form's values as the profile stands."""
    return {
        "display_name": account.display_name or "",
        "note": account.summary or "",
        "locked": bool(account.manually_approves_followers),
        "discoverable": bool(account.discoverable),
        "bot": account.actor_type == "Service",
        "fields": [(f.get("name", ""), f.get("value", "")) for f in account.profile_fields or []],
        "avatar_prompt": "",
        "header_prompt": "",
    }


def _submitted(form: dict[str, str], slots: int) -> dict[str, Any]:
    """The form's values as sent (checkboxes left unticked are absent: False)."""
    fields = [
        (form.get(f"field_name_{n}", "").strip(), form.get(f"field_value_{n}", "").strip())
        for n in range(slots)
    ]
    return {
        "display_name": form.get("display_name", "").strip(),
        "note": form.get("note", "").replace("\r\n", "\n").strip(),
        "locked": form.get("locked") == "on",
        "discoverable": form.get("discoverable") == "on",
        "bot": form.get("bot") == "on",
        "fields": [(name, value) for name, value in fields if name or value],
        "avatar_prompt": form.get("avatar_prompt", "").strip(),
        "header_prompt": form.get("header_prompt", "").strip(),
    }


async def _render(
    account: Account, values: dict[str, Any], status: int = 200, **more: Any
) -> Response:
    slots = services().settings.limits.profile_fields
    shown = values["fields"] + [("", "")] * max(0, slots - len(values["fields"]))
    return await settings_page(
        "settings_profile.html", account, status, values=values, fields=shown, **more
    )


@bp.get(PATH)
async def profile_page() -> Response | WerkzeugResponse:
    """The profile form, filled in with the profile as it is."""
    account = await viewer()
    if account is None:
        return to_sign_in(PATH)
    return await _render(account, _values(account), done=request.args.get("done", ""))


async def _picture(username: str, what: str, prompt: str) -> tuple[bytes | None, Provenance | None]:
    """The uploaded file for `what` (avatar or header), else one painted from its prompt (and
    how it was painted); (None, None) for neither."""
    upload = (await request.files).get(what)
    if upload is not None and upload.filename:
        data: bytes = upload.read()
        return data, None
    if prompt:
        painted = await profile_pictures.paint(
            services(), username, prompt, header=what == "header"
        )
        return painted.data, painted.provenance
    return None, None


@bp.post(PATH)
async def change_profile() -> Response | WerkzeugResponse:
    """Save the profile (and tell followers); a refusal says why and keeps what was typed."""
    account = await viewer()
    if account is None:
        return to_sign_in(PATH)
    svc = services()
    values = _submitted(await checked_form(), svc.settings.limits.profile_fields)
    for name, value in values["fields"]:
        if not name:
            why = f"The field with the value {value!r} needs a name."
            return await _render(account, values, 422, error=why)
    change = profile.ProfileChange(
        display_name=values["display_name"],
        note=values["note"],
        locked=values["locked"],
        discoverable=values["discoverable"],
        bot=values["bot"],
        fields=values["fields"],
    )
    try:
        profile.check(svc, change)  # before any picture is painted (and counted)
        avatar, avatar_provenance = await _picture(
            account.username, "avatar", values["avatar_prompt"]
        )
        header, header_provenance = await _picture(
            account.username, "header", values["header_prompt"]
        )
        change = replace(
            change,
            avatar=avatar,
            header=header,
            avatar_provenance=avatar_provenance,
            header_provenance=header_provenance,
        )
        await profile.update_profile(svc, account.username, change)
    except UserError as exc:
        return await _render(account, values, 422, error=_sentence(str(exc)))
    return redirect(f"{PATH}?done=1", code=303)


def _sentence(text: str) -> str:
    """A domain refusal ("the bio has …") as a sentence on the page."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
