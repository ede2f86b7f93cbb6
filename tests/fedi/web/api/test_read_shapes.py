"""Every entity the read endpoints serve has the shape of Mastodon's own (the golden files):
accounts local and remote, the signed-in user's, relationships, statuses (a picture post, a
reply, a remote post, a boost), their pictures, a context and each type of notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, cli
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair


async def _get(http: Client, path: str, token: str | None = None) -> Any:
    response = await http.get(path, headers=bearer(token) if token else {})
    assert response.status_code == 200, (path, await response.get_data(as_text=True))
    return await response.get_json()


async def test_accounts_local_remote_and_credential(client: Pair, scene: Scene) -> None:
    http, _ = client
    for account_id in (scene.alice, scene.bob, scene.carol):
        for token in (None, scene.bob_token):
            assert_shape(await _get(http, f"/api/v1/accounts/{account_id}", token), "account")
    me = await _get(http, "/api/v1/accounts/verify_credentials", scene.alice_token)
    assert_shape(me, "credential_account")
    assert me["source"]["language"] == ""


async def test_relationships(client: Pair, scene: Scene) -> None:
    http, _ = client
    path = f"/api/v1/accounts/relationships?id[]={scene.bob}&id[]={scene.carol}"
    found = await _get(http, path, scene.alice_token)
    assert len(found) == 2
    for item in found:
        assert_shape(item, "relationship")


async def test_statuses_of_every_kind(client: Pair, scene: Scene) -> None:
    http, _ = client
    for token in (None, scene.alice_token):
        for post in (scene.lighthouse, scene.fox, scene.boat, scene.remote):
            status = await _get(http, f"/api/v1/statuses/{post}", token)
            assert_shape(status, "status")
            for media in status["media_attachments"]:
                assert_shape(media, "media_attachment")
        boost = await _get(http, f"/api/v1/statuses/{scene.boost}", token)
        assert_shape(boost, "status_reblog")


async def test_a_reply_is_shaped_as_a_status_with_its_parent(client: Pair, scene: Scene) -> None:
    http, _ = client
    reply = await _get(http, f"/api/v1/statuses/{scene.boat}", scene.bob_token)
    assert_shape(reply, "status")
    assert reply["in_reply_to_id"] == str(scene.lighthouse)
    assert reply["in_reply_to_account_id"] == str(scene.alice)


async def test_context(client: Pair, scene: Scene) -> None:
    http, _ = client
    for post in (scene.lighthouse, scene.boat):
        assert_shape(await _get(http, f"/api/v1/statuses/{post}/context"), "context")


async def test_notifications_of_every_type(client: Pair, scene: Scene, config_path: Path) -> None:
    http, svc = client
    await cli(config_path, "user", "create", "dora", "--manual-approval")
    await cli(config_path, "follow", "bob", "dora")  # a request dora is to approve
    await cli(config_path, "post", "bob", "a kite", "--caption", "for @alice")  # a mention
    dora = (await apps.personal_token(svc, "dora", "read")).secret
    seen: dict[str, dict[str, Any]] = {}
    for token in (scene.alice_token, dora):
        for item in await _get(http, "/api/v1/notifications", token):
            seen.setdefault(item["type"], item)
    assert set(seen) == {"follow", "follow_request", "mention", "favourite", "reblog"}
    for kind, item in seen.items():
        assert_shape(item, f"notification_{kind}")
        assert ("status" in item) == (kind in ("mention", "favourite", "reblog"))
