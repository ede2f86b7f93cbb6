"""POST /api/v1/statuses with `media_ids[]`: the uploaded pictures become the post's, in
order and with their alt text, in the Status, the federated Note and the page; the Note of an
uploaded picture claims no model and no prompt. Another user's, an attached, an unknown id,
more than four, and a status with neither text nor media are refused with 422."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from quart.typing import TestClientProtocol as Client

from fedi.domain import edits
from fedi.domain.accounts import create_user
from tests.fedi.web.api.test_media import _token, upload
from tests.support.api_scene import bearer
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair
from tests.support.pictures import picture

AS2 = "application/activity+json"


async def _status(http: Client, token: str, code: int = 200, **json: Any) -> Any:
    response = await http.post("/api/v1/statuses", headers=bearer(token), json=json)
    body = await response.get_data(as_text=True)
    assert response.status_code == code, (response.status_code, body)
    return await response.get_json()


async def test_a_status_with_uploaded_pictures(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    first = await upload(http, token, picture(), description="a blue square")
    second = await upload(http, token, picture(30, 60), description="a tall one")
    response = await http.post(
        "/api/v1/statuses",
        headers={**bearer(token), "Content-Type": "application/x-www-form-urlencoded"},
        # A form list as apps send it (the test client's `form` keeps one value per name).
        data=urlencode(
            [
                ("status", "My #drawings"),
                ("media_ids[]", second["id"]),
                ("media_ids[]", first["id"]),
            ]
        ),
    )
    made = await response.get_json()
    assert response.status_code == 200, made
    assert_shape(made, "status")
    assert [item["id"] for item in made["media_attachments"]] == [second["id"], first["id"]]
    assert [item["description"] for item in made["media_attachments"]] == [
        "a tall one",
        "a blue square",
    ]
    assert "My" in made["content"] and made["tags"][0]["name"] == "drawings"
    assert "Prompt" not in made["content"] and "AI-generated" not in made["content"]

    note_doc = await http.get(made["uri"].removeprefix(svc.urls.base), headers={"Accept": AS2})
    note = await note_doc.get_json()
    assert [item["name"] for item in note["attachment"]] == ["a tall one", "a blue square"]
    assert "Prompt" not in note["content"] and "AI-generated" not in note["content"]

    page = await http.get(made["url"].removeprefix(svc.urls.base), headers={"Accept": "text/html"})
    text = await page.get_data(as_text=True)
    assert page.status_code == 200 and "a tall one" in text and "<dt>Prompt</dt>" not in text
    # Attached now: no longer the uploader's to change, nor to attach again.
    shown = await http.get(f"/api/v1/media/{first['id']}", headers=bearer(token))
    assert shown.status_code == 404
    again = await _status(http, token, 422, status="again", media_ids=[first["id"]])
    assert again["error"] == (
        f"Media with IDs {first['id']} not found or already attached to another post"
    )


async def test_pictures_alone_make_a_status(client: Pair) -> None:
    http, svc = client
    token = await _token(svc)
    only = await upload(http, token, picture())
    made = await _status(http, token, media_ids=[only["id"]], sensitive=True)
    assert made["sensitive"] is True and len(made["media_attachments"]) == 1


async def test_refusals(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob")
    alice, bob = await _token(svc), await _token(svc, "bob")
    bobs = await upload(http, bob, picture())
    theirs = await _status(http, alice, 422, status="stolen", media_ids=[bobs["id"]])
    assert "not found or already attached" in theirs["error"]
    unknown = await _status(http, alice, 422, status="x", media_ids=["99999999", "nope"])
    assert "99999999" in unknown["error"] or "nope" in unknown["error"]
    mine = [(await upload(http, alice, picture()))["id"] for _ in range(5)]
    too_many = await _status(http, alice, 422, status="five", media_ids=mine)
    assert too_many["error"] == "Cannot attach more than 4 files"
    blank = await _status(http, alice, 422, status="  ")
    assert blank["error"] == "Validation failed: Text can't be blank"
    unknown = await _status(http, alice, 422, media_ids=mine[:1], visibility="secret")
    assert "public, unlisted, private, direct" in unknown["error"]
    # Nothing refused was taken: bob's picture and alice's are still free.
    assert (await http.get(f"/api/v1/media/{bobs['id']}", headers=bearer(bob))).status_code == 200
    assert len((await _status(http, alice, media_ids=mine[:4]))["media_attachments"]) == 4


async def test_clearing_the_alt_text_of_an_uploaded_picture_claims_no_prompt(client: Pair) -> None:
    """`impasto edit --alt ""` gives a painted picture the alt text made from its prompt; an
    uploaded picture has no prompt, and gets none."""
    http, svc = client
    token = await _token(svc)
    mine = await upload(http, token, picture(), description="my drawing")
    made = await _status(http, token, status="hand-made", media_ids=[mine["id"]])
    await edits.edit(svc, "alice", made["id"], edits.Edit(alt=""))
    shown = await (await http.get(f"/api/v1/statuses/{made['id']}")).get_json()
    assert shown["media_attachments"][0]["description"] is None
    assert "AI-generated" not in shown["content"]


async def test_the_language_is_kept_and_federated(client: Pair) -> None:
    """An app's `language` travels with a status with pictures as with a `/paint` one: on the
    Status, and as the Note's contentMap (how Mastodon reads a remote status's language)."""
    http, svc = client
    token = await _token(svc)
    mine = await upload(http, token, picture(), description="ein Bild")
    made = await _status(http, token, status="Guten Tag", media_ids=[mine["id"]], language="de")
    assert made["language"] == "de"
    shown = await (await http.get(f"/api/v1/statuses/{made['id']}")).get_json()
    assert shown["language"] == "de"
    note_doc = await http.get(made["uri"].removeprefix(svc.urls.base), headers={"Accept": AS2})
    note = await note_doc.get_json()
    assert note["contentMap"] == {"de": note["content"]} and "Guten Tag" in note["content"]
    other = await upload(http, token, picture())
    refused = await _status(http, token, 422, media_ids=[other["id"]], language="not a code")
    assert "language code" in refused["error"]
