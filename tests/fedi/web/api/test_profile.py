"""PATCH /api/v1/accounts/update_credentials: what a user changes shows in the Account, the
CredentialAccount's `source` and the actor document, and followers are sent an Update; limits
and bad pictures are refused with 422 and leave everything as it was."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from PIL import Image
from quart.datastructures import FileStorage
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from tests.support.api_scene import bearer
from tests.support.mastodon_shapes import assert_shape
from tests.support.sent import AS2, follow, remote, sent

PATH = "/api/v1/accounts/update_credentials"
Pair = tuple[Client, Services]


def png(width: int, height: int, colour: str = "red") -> bytes:
    """A PNG picture of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _stored(svc: Services) -> list[Path]:
    return sorted(Path(svc.media_dir).iterdir())


async def _token(svc: Services, scopes: str = "read write") -> dict[str, str]:
    return bearer((await apps.personal_token(svc, "alice", scopes)).secret)


async def _patch(http: Client, headers: dict[str, str], status: int = 200, **kw: Any) -> Any:
    response = await http.patch(PATH, headers=headers, **kw)
    body = await response.get_json()
    assert response.status_code == status, body
    return body


async def _actor(http: Client) -> dict[str, Any]:
    response = await http.get("/users/alice", headers={"Accept": AS2})
    doc: dict[str, Any] = await response.get_json(force=True)
    return doc


async def test_form_changes_profile_and_followers_get_an_update(client: Pair) -> None:
    http, svc = client
    trent = await remote(svc, "trent", "other.example")
    await follow(svc, trent, "alice")
    form = {
        "display_name": "Alice Painter",
        "note": "I paint #lighthouses <b>not bold</b>\nsee https://alice.example/art",
        "locked": "true",
        "bot": "1",
        "discoverable": "false",
        "fields_attributes[0][name]": "Site",
        "fields_attributes[0][value]": "https://alice.example",
        "fields_attributes[1][name]": "Pronouns",
        "fields_attributes[1][value]": "she/her",
        "source[privacy]": "unlisted",
        "source[sensitive]": "true",
        "source[language]": "en",
    }
    me = await _patch(http, await _token(svc), form=form)
    assert_shape(me, "credential_account")
    assert (me["display_name"], me["locked"], me["bot"], me["discoverable"]) == (
        "Alice Painter",
        True,
        True,
        False,
    )
    assert "&lt;b&gt;not bold&lt;/b&gt;" in me["note"]
    assert 'class="mention hashtag" rel="tag">#<span>lighthouses</span>' in me["note"]
    assert '<a href="https://alice.example/art"' in me["note"]
    assert me["source"]["note"] == form["note"]
    assert [f["name"] for f in me["fields"]] == ["Site", "Pronouns"]
    assert me["fields"][0]["value"].startswith('<a href="https://alice.example"')
    assert me["source"]["fields"][1] == {
        "name": "Pronouns",
        "value": "she/her",
        "verified_at": None,
    }
    assert (me["source"]["privacy"], me["source"]["sensitive"], me["source"]["language"]) == (
        "unlisted",
        True,
        "en",
    )
    # verify_credentials reads the same back
    again = await (
        await http.get("/api/v1/accounts/verify_credentials", headers=await _token(svc))
    ).get_json()
    assert again["fields"] == me["fields"] and again["source"] == me["source"]
    actor = await _actor(http)
    assert (actor["type"], actor["name"], actor["manuallyApprovesFollowers"]) == (
        "Service",
        "Alice Painter",
        True,
    )
    assert actor["attachment"][1] == {
        "type": "PropertyValue",
        "name": "Pronouns",
        "value": "she/her",
    }
    updates = await sent(svc, "Update")
    assert len(updates) == 1
    update, inboxes = updates[0]
    assert inboxes == ["https://other.example/inbox"]
    assert update["object"]["id"] == actor["id"] and update["object"]["name"] == "Alice Painter"


async def test_json_body_and_unchanged_values(client: Pair) -> None:
    http, svc = client
    body = {
        "note": "hello",
        "fields_attributes": [{"name": "A", "value": "1"}, {"name": "", "value": ""}],
        "source": {"privacy": "private"},
    }
    me = await _patch(http, await _token(svc), json=body)
    assert me["display_name"] == "Alice"  # not sent: kept
    assert me["note"] == "<p>hello</p>"
    assert [(f["name"], f["value"]) for f in me["fields"]] == [("A", "1")]  # blank one dropped
    assert me["source"]["privacy"] == "private"
    cleared = await _patch(http, await _token(svc), json={"fields_attributes": []})
    assert cleared["fields"] == [] and cleared["note"] == "<p>hello</p>"


async def test_avatar_and_header_are_stored_re_encoded(client: Pair) -> None:
    http, svc = client
    files = {
        "avatar": FileStorage(io.BytesIO(png(900, 600)), "me.png", content_type="image/png"),
        "header": FileStorage(
            io.BytesIO(png(3000, 1000, "blue")), "h.png", content_type="image/png"
        ),
    }
    me = await _patch(http, await _token(svc), files=files)
    assert me["avatar"] == me["avatar_static"] and me["header"] == me["header_static"]
    assert "/static/missing.png" not in me["header"]
    for url, side in ((me["avatar"], 400), (me["header"], 1500)):
        name = url.rsplit("/", 1)[-1]
        with Image.open(Path(svc.media_dir) / name) as stored:
            assert max(stored.size) == side  # re-encoded at Mastodon's size
            assert stored.format == svc.settings.media.format
    actor = await _actor(http)
    assert actor["icon"]["url"] == me["avatar"] and actor["image"]["url"] == me["header"]


async def test_default_header_is_never_null(client: Pair) -> None:
    http, svc = client
    me = await (
        await http.get("/api/v1/accounts/verify_credentials", headers=await _token(svc))
    ).get_json()
    assert me["header"].endswith("/static/missing.png") and me["header_static"] == me["header"]


async def test_bad_picture_is_refused_and_nothing_changes(client: Pair) -> None:
    http, svc = client
    before = await asyncio.to_thread(_stored, svc)
    files = {"avatar": FileStorage(io.BytesIO(b"not a picture at all"), "x.png")}
    refused = await _patch(http, await _token(svc), 422, files=files, form={"display_name": "Z"})
    assert "avatar was refused" in refused["error"]
    assert await asyncio.to_thread(_stored, svc) == before
    me = await (
        await http.get("/api/v1/accounts/verify_credentials", headers=await _token(svc))
    ).get_json()
    assert me["display_name"] == "Alice"
    assert await sent(svc, "Update") == []


async def test_oversized_picture_names_the_limit(client: Pair) -> None:
    http, svc = client
    svc.settings.limits.profile_image_bytes = 1000
    files = {"header": FileStorage(io.BytesIO(png(200, 200) + b"\0" * 2000), "h.png")}
    refused = await _patch(http, await _token(svc), 422, files=files)
    assert "profile_image_bytes" in refused["error"]


async def test_limits_are_refused_naming_them(client: Pair) -> None:
    http, svc = client
    headers = await _token(svc)
    cases = [
        ({"display_name": "x" * 31}, "display_name_chars"),
        ({"note": "x" * 501}, "bio_chars"),
        (
            {"fields_attributes": [{"name": str(i), "value": "v"} for i in range(5)]},
            "profile_fields",
        ),
        ({"fields_attributes": [{"name": "n", "value": "v" * 256}]}, "profile_field_chars"),
        ({"source": {"privacy": "direct"}}, "source[privacy]"),
        ({"source": {"language": "english"}}, "source[language]"),
    ]
    for body, named in cases:
        refused = await _patch(http, headers, 422, json=body)
        assert named in refused["error"], (body, refused)
    me = await (await http.get("/api/v1/accounts/verify_credentials", headers=headers)).get_json()
    assert (me["display_name"], me["note"], me["fields"]) == ("Alice", "", [])


async def test_token_and_scope(client: Pair) -> None:
    http, svc = client
    await _patch(http, {}, 401, json={"display_name": "Z"})
    await _patch(http, await _token(svc, "read"), 403, json={"display_name": "Z"})
    await _patch(http, await _token(svc, "write:statuses"), 403, json={"display_name": "Z"})
    ok = await _patch(http, await _token(svc, "write:accounts"), json={"display_name": "Z"})
    assert ok["display_name"] == "Z"
