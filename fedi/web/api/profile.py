"""PATCH /api/v1/accounts/update_credentials: the signed-in user changes their profile (form,
multipart with `avatar` and `header` pictures, or JSON), answered with the CredentialAccount.
Nested parameters come as Rails writes them in a form (`fields_attributes[0][name]`,
`source[privacy]`) or as objects in JSON."""

from __future__ import annotations

import re
from typing import Any

from quart import Blueprint, Response, request

from fedi.domain import entities
from fedi.domain.profile import ProfileChange, update_profile
from fedi.web.api.records import boolean, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_profile", __name__)
refuse_user_errors(bp)

FIELD_KEY = re.compile(r"^fields_attributes\[(\d+)\]\[(name|value)\]$")
SOURCE_KEY = re.compile(r"^source\[(\w+)\]$")


def _fields(values: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The fields asked for, in index order, without empty ones; None when none were sent."""
    given = values.get("fields_attributes")
    rows: dict[int, dict[str, str]] = {}
    if isinstance(given, list):
        rows = {i: item for i, item in enumerate(given) if isinstance(item, dict)}
    elif isinstance(given, dict):
        rows = {int(k): v for k, v in given.items() if k.isdigit() and isinstance(v, dict)}
    for key, value in values.items():
        match = FIELD_KEY.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = str(value)
    if not rows and "fields_attributes" not in values:
        return None
    pairs = [
        (str(row.get("name", "")), str(row.get("value", ""))) for _, row in sorted(rows.items())
    ]
    return [(name.strip(), value.strip()) for name, value in pairs if name.strip() or value.strip()]


def _source(values: dict[str, Any]) -> dict[str, Any]:
    source = dict(values["source"]) if isinstance(values.get("source"), dict) else {}
    for key, value in values.items():
        match = SOURCE_KEY.match(key)
        if match:
            source[match[1]] = value
    return source


def _flag(values: dict[str, Any], name: str) -> bool | None:
    value = values.get(name)
    return None if value is None or value == "" else boolean(value)


async def _picture(name: str) -> bytes | None:
    upload = (await request.files).get(name)
    return upload.read() if upload is not None else None


async def change_asked() -> ProfileChange:
    """The ProfileChange a request asks for."""
    values = await params()
    source = _source(values)
    return ProfileChange(
        display_name=text(values, "display_name"),
        note=text(values, "note"),
        avatar=await _picture("avatar"),
        header=await _picture("header"),
        locked=_flag(values, "locked"),
        bot=_flag(values, "bot"),
        discoverable=_flag(values, "discoverable"),
        fields=_fields(values),
        privacy=text(source, "privacy") or None,
        sensitive=_flag(source, "sensitive"),
        language=text(source, "language"),
    )


@bp.patch("/api/v1/accounts/update_credentials")
@scoped("write:accounts")
async def update_credentials() -> Response:
    """Change the profile; the CredentialAccount after (422 naming a limit or bad picture)."""
    svc = services()
    account = await update_profile(svc, acting_account().username, await change_asked())
    return json_response(await entities.credential_account(svc, account))
