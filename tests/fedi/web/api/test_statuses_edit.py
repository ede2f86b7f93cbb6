"""PUT /api/v1/statuses/:id, GET /:id/source and /:id/history: an edit of the caption, the
content warning, the picture's description and the language goes out as an Update; the
prompt and the picture stay; only the author edits or reads the source."""

from __future__ import annotations

from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, get
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair
from tests.support.sent import mallory_and_trent, sent

PATH = "/api/v1/statuses"
SOURCE = "/paint a lighthouse on a cliff\n#Sea at dusk, for @bob"


async def _put(http: Client, token: str, status_id: int, code: int = 200, **kw: Any) -> Any:
    response = await http.put(f"{PATH}/{status_id}", headers=bearer(token), **kw)
    assert response.status_code == code, await response.get_data(as_text=True)
    return await response.get_json()


async def test_source_is_the_redraft_text_for_the_author_only(client: Pair, scene: Scene) -> None:
    http, _ = client
    path = f"{PATH}/{scene.lighthouse}/source"
    found = await get(http, path, scene.alice_token)
    assert found == {"id": str(scene.lighthouse), "text": SOURCE, "spoiler_text": ""}
    await get(http, path, scene.bob_token, status=404)  # bob may read the post, not its source
    await get(http, path, status=401)


async def test_an_edit_changes_the_status_and_sends_an_update(client: Pair, scene: Scene) -> None:
    http, svc = client
    _, trent = await mallory_and_trent(svc)  # trent, on other.example, follows alice
    before = await get(http, f"{PATH}/{scene.lighthouse}", scene.alice_token)
    assert before["edited_at"] is None
    [picture] = before["media_attachments"]
    body = {
        "status": "/paint a lighthouse on a cliff\nA new caption #Waves",
        "spoiler_text": "bright light",
        "language": "en",
        "media_attributes": [{"id": picture["id"], "description": "A tall white lighthouse"}],
    }
    edited = await _put(http, scene.alice_token, scene.lighthouse, json=body)
    assert_shape(edited, "status")
    assert edited["edited_at"] is not None and "A new caption" in edited["content"]
    assert "Prompt: a lighthouse on a cliff" in edited["content"]  # the picture is the same
    assert (edited["spoiler_text"], edited["sensitive"], edited["language"]) == (
        "bright light",
        True,
        "en",
    )
    assert edited["media_attachments"][0]["description"] == "A tall white lighthouse"
    assert edited["media_attachments"][0]["url"] == picture["url"]
    source = await get(http, f"{PATH}/{scene.lighthouse}/source", scene.alice_token)
    assert source["text"] == "/paint a lighthouse on a cliff\nA new caption #Waves"
    [(update, inboxes)] = await sent(svc, "Update")
    assert (
        update["object"]["id"] == edited["uri"] and "A new caption" in update["object"]["content"]
    )
    assert update["object"]["summary"] == "bright light"
    assert trent.shared_inbox_url in inboxes
    # The history: the status as it is now.
    [version] = await get(http, f"{PATH}/{scene.lighthouse}/history")
    assert version["content"] == edited["content"] and version["created_at"] == edited["edited_at"]
    assert version["account"]["id"] == str(scene.alice) and version["media_attachments"]


async def test_a_form_edit_describes_the_picture(client: Pair, scene: Scene) -> None:
    http, _ = client
    before = await get(http, f"{PATH}/{scene.lighthouse}", scene.alice_token)
    form = {
        "status": "just words now",
        "media_ids[]": before["media_attachments"][0]["id"],
        "media_attributes[][id]": before["media_attachments"][0]["id"],
        "media_attributes[][description]": "Described by form",
    }
    edited = await _put(http, scene.alice_token, scene.lighthouse, form=form)
    assert "just words now" in edited["content"]
    assert edited["media_attachments"][0]["description"] == "Described by form"


async def test_what_an_edit_cannot_do(client: Pair, scene: Scene) -> None:
    http, svc = client
    other_prompt = {"status": "/paint a windmill\nsame caption"}
    refused = await _put(http, scene.alice_token, scene.lighthouse, 422, json=other_prompt)
    assert "delete and redraft" in refused["error"]
    not_hers = {"status": "x", "media_ids": ["12345"]}
    await _put(http, scene.alice_token, scene.lighthouse, 422, json=not_hers)
    await _put(http, scene.alice_token, scene.lighthouse, 422, json={"language": "not a code"})
    # Only the author edits (404, as Mastodon finds the status among the user's own only).
    bob = (await apps.personal_token(svc, "bob", "write:statuses")).secret
    await _put(http, bob, scene.lighthouse, 404, json={"status": "mine now"})
    await _put(http, scene.bob_token, scene.fox, 403, json={"status": "read only"})
    assert await sent(svc, "Update") == []
    unchanged = await get(http, f"{PATH}/{scene.lighthouse}", scene.alice_token)
    assert unchanged["edited_at"] is None
