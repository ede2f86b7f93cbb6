"""POST /api/v1/accounts/:id/follow, /unfollow, /block, /unblock: the Relationship after each,
with Mastodon's scopes; unknown ids 404, refusals 422."""

from __future__ import annotations

from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair


async def _post(http: Client, path: str, token: str | None, status: int = 200) -> Any:
    response = await http.post(path, headers=bearer(token) if token else {})
    body = await response.get_data(as_text=True)
    assert response.status_code == status, (path, response.status_code, body)
    return await response.get_json()


async def test_unfollow_and_follow_again(client: Pair, scene: Scene) -> None:
    http, _ = client
    gone = await _post(http, f"/api/v1/accounts/{scene.bob}/unfollow", scene.alice_token)
    assert_shape(gone, "relationship")
    assert (gone["id"], gone["following"], gone["followed_by"]) == (str(scene.bob), False, True)
    back = await _post(http, f"/api/v1/accounts/{scene.bob}/follow", scene.alice_token)
    assert (back["following"], back["requested"]) == (True, False)


async def test_block_and_unblock(client: Pair, scene: Scene) -> None:
    http, _ = client
    blocked = await _post(http, f"/api/v1/accounts/{scene.bob}/block", scene.alice_token)
    assert_shape(blocked, "relationship")
    # Follows end both ways.
    assert (blocked["blocking"], blocked["following"], blocked["followed_by"]) == (
        True,
        False,
        False,
    )
    refused = await _post(http, f"/api/v1/accounts/{scene.bob}/follow", scene.alice_token, 422)
    assert "unblock first" in refused["error"]
    lifted = await _post(http, f"/api/v1/accounts/{scene.bob}/unblock", scene.alice_token)
    assert lifted["blocking"] is False
    # Taking back what was not done answers the Relationship, as Mastodon does.
    again = await _post(http, f"/api/v1/accounts/{scene.bob}/unblock", scene.alice_token)
    assert again["blocking"] is False


async def test_refusals(client: Pair, scene: Scene) -> None:
    http, _ = client
    myself = await _post(http, f"/api/v1/accounts/{scene.alice}/follow", scene.alice_token, 422)
    assert "yourself" in myself["error"]
    unknown = await _post(http, "/api/v1/accounts/99999999/follow", scene.alice_token, 404)
    assert unknown == {"error": "Record not found"}


@pytest.mark.parametrize(
    ("action", "scope"),
    [
        ("follow", "write:follows"),
        ("unfollow", "write:follows"),
        ("block", "write:blocks"),
        ("unblock", "write:blocks"),
    ],
)
async def test_scopes(client: Pair, scene: Scene, action: str, scope: str) -> None:
    http, svc = client
    path = f"/api/v1/accounts/{scene.bob}/{action}"
    await _post(http, path, None, 401)
    await _post(http, path, scene.bob_token, 403)
    await _post(http, path, scene.narrow_token, 403)  # write:statuses only
    allowed = (await apps.personal_token(svc, "alice", scope)).secret
    response = await http.post(path, headers=bearer(allowed))
    assert response.status_code == 200  # an undo of nothing answers as if done
