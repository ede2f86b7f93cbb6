"""POST /api/v1/statuses: `/paint PROMPT` becomes a picture post (form or JSON), a reply, a
content warning; a reply may be text alone; a new post of text alone is refused saying why
and how; the language; Idempotency-Key; scopes."""

from __future__ import annotations

from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, get
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair

PATH = "/api/v1/statuses"


async def _create(
    http: Client,
    token: str | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    response = await http.post(
        PATH, headers={**(bearer(token) if token else {}), **(headers or {})}, **kwargs
    )
    body = await response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, body)
    return await response.get_json()


async def test_paint_a_picture_from_a_form(client: Pair, scene: Scene) -> None:
    http, _ = client
    made = await _create(http, scene.alice_token, form={"status": "/paint a lighthouse at dusk"})
    assert_shape(made, "status")
    (picture,) = made["media_attachments"]
    assert picture["type"] == "image" and "a lighthouse at dusk" in picture["description"]
    assert "Prompt: a lighthouse at dusk" in made["content"]
    assert made["account"]["username"] == "alice" and made["visibility"] == "public"
    assert (await get(http, f"{PATH}/{made['id']}"))["id"] == made["id"]


async def test_a_reply_with_a_warning_from_json(client: Pair, scene: Scene) -> None:
    http, _ = client
    body = {
        "status": "/paint a fox at night\nfor you",
        "in_reply_to_id": str(scene.fox),
        "spoiler_text": "dark",
        "visibility": "public",
    }
    made = await _create(http, scene.alice_token, json=body)
    assert made["in_reply_to_id"] == str(scene.fox)
    assert (made["spoiler_text"], made["sensitive"]) == ("dark", True)
    assert "for you" in made["content"]


async def test_a_text_reply(client: Pair, scene: Scene) -> None:
    """A Mastodon app's reply of text alone is a post without pictures, in the thread, as
    the web app's text reply; with the language the app gives it."""
    http, svc = client
    body = {"status": "@bob nice!", "in_reply_to_id": str(scene.fox), "language": "en"}
    made = await _create(http, scene.alice_token, json=body)
    assert_shape(made, "status")
    assert made["in_reply_to_id"] == str(scene.fox) and made["media_attachments"] == []
    assert "nice!" in made["content"] and "Prompt" not in made["content"]
    assert made["language"] == "en" and made["mentions"][0]["username"] == "bob"
    context = await get(http, f"{PATH}/{scene.fox}/context", scene.alice_token)
    assert made["id"] in [status["id"] for status in context["descendants"]]
    note_doc = await http.get(
        made["uri"].removeprefix(svc.urls.base), headers={"Accept": "application/activity+json"}
    )
    note = await note_doc.get_json()
    assert note["inReplyTo"] and note["attachment"] == []
    assert note["contentMap"] == {"en": note["content"]}
    # `/paint` in a reply still paints.
    painted = await _create(
        http, scene.alice_token, json={"status": "/paint a fox", "in_reply_to_id": str(scene.fox)}
    )
    assert len(painted["media_attachments"]) == 1


async def test_a_painted_status_has_its_language(client: Pair, scene: Scene) -> None:
    http, svc = client
    made = await _create(http, scene.alice_token, form={"status": "/paint Boot", "language": "de"})
    assert made["language"] == "de"
    note_doc = await http.get(
        made["uri"].removeprefix(svc.urls.base), headers={"Accept": "application/activity+json"}
    )
    assert (await note_doc.get_json())["contentMap"] == {"de": made["content"]}


async def test_a_status_without_a_language_has_the_account_s_default(
    client: Pair, scene: Scene
) -> None:
    # As Mastodon: the app's `language`, else the one set in the account's preferences.
    http, _ = client
    response = await http.patch(
        "/api/v1/accounts/update_credentials",
        headers=bearer(scene.alice_token),
        form={"source[language]": "fr"},
    )
    assert response.status_code == 200
    made = await _create(http, scene.alice_token, form={"status": "/paint un phare"})
    assert made["language"] == "fr"
    said = await _create(http, scene.alice_token, form={"status": "/paint Boot", "language": "de"})
    assert said["language"] == "de"


async def test_without_paint_it_says_how(client: Pair, scene: Scene) -> None:
    http, _ = client
    # A new post of text alone: posts here are pictures, and the app shows the reason.
    refused = await _create(http, scene.alice_token, 422, form={"status": "hello"})
    assert refused["error"].startswith("posts here are pictures")
    assert "/paint PROMPT" in refused["error"] and "reply may be text" in refused["error"]
    for form in (
        {"status": "/paint"},
        {"status": "/paint", "in_reply_to_id": str(scene.fox)},
        {"status": "/paint x", "visibility": "everyone"},
        {"status": "nice", "in_reply_to_id": str(scene.fox), "language": "not a code"},
    ):
        refused = await _create(http, scene.alice_token, 422, form=form)
        assert any(word in refused["error"] for word in ("/paint", "visibility", "language"))
    media = await _create(http, scene.alice_token, 422, form={"status": "hi", "media_ids[]": "1"})
    assert media["error"] == "Media with IDs 1 not found or already attached to another post"
    unknown = await _create(
        http, scene.alice_token, 404, form={"status": "/paint a cat", "in_reply_to_id": "99999999"}
    )
    assert unknown == {"error": "Record not found"}


async def test_idempotency_key(client: Pair, scene: Scene) -> None:
    http, svc = client
    form = {"status": "/paint a boat at sea"}
    first = await _create(http, scene.alice_token, form=form, headers={"Idempotency-Key": "k1"})
    again = await _create(http, scene.alice_token, form=form, headers={"Idempotency-Key": "k1"})
    assert first["id"] == again["id"]
    other = await _create(http, scene.alice_token, form=form, headers={"Idempotency-Key": "k2"})
    assert other["id"] != first["id"]
    # The same key from another user is theirs.
    bob = (await apps.personal_token(svc, "bob", "write:statuses")).secret
    bobs = await _create(http, bob, form=form, headers={"Idempotency-Key": "k1"})
    assert bobs["id"] != first["id"] and bobs["account"]["username"] == "bob"


async def test_scopes(client: Pair, scene: Scene) -> None:
    http, svc = client
    form = {"status": "/paint a cat"}
    await _create(http, None, 401, form=form)
    await _create(http, scene.bob_token, 403, form=form)
    favourites = (await apps.personal_token(svc, "alice", "write:favourites")).secret
    await _create(http, favourites, 403, form=form)
    await _create(http, scene.narrow_token, 200, form=form)
