"""POST /api/v1/statuses/:id/favourite, /unfavourite, /reblog, /unreblog, /pin, /unpin: each
answers the Status as Mastodon does, with Mastodon's scopes; unknown ids 404, refusals 422."""

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


async def test_favourite_and_unfavourite(client: Pair, scene: Scene) -> None:
    http, _ = client
    liked = await _post(http, f"/api/v1/statuses/{scene.fox}/favourite", scene.alice_token)
    assert_shape(liked, "status")
    assert (liked["id"], liked["favourited"], liked["favourites_count"]) == (
        str(scene.fox),
        True,
        1,
    )
    again = await _post(http, f"/api/v1/statuses/{scene.fox}/favourite", scene.alice_token)
    assert again["favourites_count"] == 1  # liking twice changes nothing
    undone = await _post(http, f"/api/v1/statuses/{scene.fox}/unfavourite", scene.alice_token)
    assert (undone["favourited"], undone["favourites_count"]) == (False, 0)


async def test_reblog_wraps_the_original(client: Pair, scene: Scene) -> None:
    http, _ = client
    boost = await _post(http, f"/api/v1/statuses/{scene.fox}/reblog", scene.alice_token)
    assert_shape(boost, "status")
    assert boost["id"] != str(scene.fox) and boost["account"]["username"] == "alice"
    assert boost["reblog"]["id"] == str(scene.fox) and boost["reblogged"] is True
    assert boost["reblog"]["reblogs_count"] == 1
    undone = await _post(http, f"/api/v1/statuses/{scene.fox}/unreblog", scene.alice_token)
    assert (undone["id"], undone["reblogged"], undone["reblogs_count"]) == (
        str(scene.fox),
        False,
        0,
    )


async def test_pin_and_unpin(client: Pair, scene: Scene) -> None:
    http, _ = client
    unpinned = await _post(http, f"/api/v1/statuses/{scene.lighthouse}/unpin", scene.alice_token)
    assert unpinned["pinned"] is False
    pinned = await _post(http, f"/api/v1/statuses/{scene.lighthouse}/pin", scene.alice_token)
    assert_shape(pinned, "status")
    assert pinned["pinned"] is True


async def test_a_refusal_is_422_with_its_reason(client: Pair, scene: Scene) -> None:
    http, _ = client
    # Pinning someone else's post; undoing a like never given.
    refused = await _post(http, f"/api/v1/statuses/{scene.fox}/pin", scene.alice_token, 422)
    assert refused["error"]
    # Taking back what was not done answers the Status, as Mastodon does.
    never = await _post(http, f"/api/v1/statuses/{scene.fox}/unfavourite", scene.alice_token)
    assert never["favourited"] is False
    for action in ("unreblog",):
        await _post(http, f"/api/v1/statuses/{scene.fox}/{action}", scene.alice_token)


@pytest.mark.parametrize("action", ["favourite", "unfavourite", "reblog", "unreblog", "pin"])
async def test_unknown_ids_are_404(client: Pair, scene: Scene, action: str) -> None:
    http, _ = client
    found = await _post(http, f"/api/v1/statuses/99999999/{action}", scene.alice_token, 404)
    assert found == {"error": "Record not found"}


@pytest.mark.parametrize(
    ("action", "scope"),
    [
        ("favourite", "write:favourites"),
        ("unfavourite", "write:favourites"),
        ("reblog", "write:statuses"),
        ("unreblog", "write:statuses"),
        ("pin", "write:accounts"),
        ("unpin", "write:accounts"),
    ],
)
async def test_scopes(client: Pair, scene: Scene, action: str, scope: str) -> None:
    http, svc = client
    path = f"/api/v1/statuses/{scene.lighthouse}/{action}"
    await _post(http, path, None, 401)
    await _post(http, path, scene.bob_token, 403)  # read only
    other = "write:statuses" if scope != "write:statuses" else "write:favourites"
    await _post(http, path, (await apps.personal_token(svc, "alice", other)).secret, 403)
    allowed = (await apps.personal_token(svc, "alice", "write")).secret
    response = await http.post(path, headers=bearer(allowed))
    assert response.status_code == 200  # an undo of nothing answers as if done


async def test_delete_answers_the_status_with_its_text(client: Pair, scene: Scene) -> None:
    http, _ = client
    path = f"/api/v1/statuses/{scene.lighthouse}"
    response = await http.delete(path, headers=bearer(scene.alice_token))
    assert response.status_code == 200
    deleted = await response.get_json()
    assert (
        deleted["id"] == str(scene.lighthouse)
        and deleted["text"] == "/paint a lighthouse on a cliff\n#Sea at dusk, for @bob"
    )
    assert_shape({k: v for k, v in deleted.items() if k != "text"}, "status")
    gone = await http.get(path, headers=bearer(scene.alice_token))
    assert gone.status_code == 404


async def test_delete_refusals(client: Pair, scene: Scene) -> None:
    http, svc = client
    path = f"/api/v1/statuses/{scene.fox}"
    assert (await http.delete(path)).status_code == 401
    assert (await http.delete(path, headers=bearer(scene.bob_token))).status_code == 403
    favourites = (await apps.personal_token(svc, "alice", "write:favourites")).secret
    assert (await http.delete(path, headers=bearer(favourites))).status_code == 403
    not_hers = await http.delete(path, headers=bearer(scene.alice_token))
    assert not_hers.status_code == 422 and "only its author" in (await not_hers.get_json())["error"]
    unknown = await http.delete("/api/v1/statuses/99999999", headers=bearer(scene.alice_token))
    assert unknown.status_code == 404
