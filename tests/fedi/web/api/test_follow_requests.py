"""GET /api/v1/follow_requests, POST .../:id/authorize and /reject with a locked account, and
GET /api/v1/blocks: Accounts paged with a Link header, Relationships after each decision."""

from __future__ import annotations

from pathlib import Path

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, cli, get
from tests.support.mastodon_shapes import assert_shape
from tests.support.oauth import Pair


async def _locked_dora(config: Path) -> None:
    """dora approves followers by hand; alice and bob ask to follow her."""
    await cli(config, "user", "create", "dora", "--manual-approval")
    for name in ("alice", "bob"):
        await cli(config, "follow", name, "dora")


async def test_authorize_and_reject(client: Pair, scene: Scene, config_path: Path) -> None:
    http, svc = client
    await _locked_dora(config_path)
    dora = (await apps.personal_token(svc, "dora", "read write")).secret
    asking = await get(http, "/api/v1/follow_requests", dora)
    assert [account["username"] for account in asking] == ["bob", "alice"]  # newest first
    for account in asking:
        assert_shape(account, "account")
    response = await http.post(
        f"/api/v1/follow_requests/{scene.alice}/authorize", headers=bearer(dora)
    )
    accepted = await response.get_json()
    assert response.status_code == 200 and accepted["followed_by"] is True
    assert_shape(accepted, "relationship")
    response = await http.post(f"/api/v1/follow_requests/{scene.bob}/reject", headers=bearer(dora))
    rejected = await response.get_json()
    assert (rejected["followed_by"], rejected["requested_by"]) == (False, False)
    assert await get(http, "/api/v1/follow_requests", dora) == []
    again = await http.post(f"/api/v1/follow_requests/{scene.bob}/reject", headers=bearer(dora))
    assert (
        again.status_code == 422
        and "no pending follow request" in (await again.get_json())["error"]
    )


async def test_follow_requests_are_paged(client: Pair, scene: Scene, config_path: Path) -> None:
    http, svc = client
    await _locked_dora(config_path)
    dora = (await apps.personal_token(svc, "dora", "read")).secret
    response = await http.get("/api/v1/follow_requests?limit=1", headers=bearer(dora))
    (newest,) = await response.get_json()
    assert newest["username"] == "bob" and 'rel="next"' in response.headers["Link"]


async def test_blocks(client: Pair, scene: Scene, config_path: Path) -> None:
    http, svc = client
    await cli(config_path, "block", "alice", "bob")
    token = (await apps.personal_token(svc, "alice", "read:blocks")).secret
    (blocked,) = await get(http, "/api/v1/blocks", token)
    assert blocked["id"] == str(scene.bob)
    assert_shape(blocked, "account")


async def test_scopes(client: Pair, scene: Scene) -> None:
    http, svc = client
    follows_only = (await apps.personal_token(svc, "alice", "read:follows")).secret
    await get(http, "/api/v1/blocks", None, 401)
    await get(http, "/api/v1/blocks", follows_only, 403)
    await get(http, "/api/v1/follow_requests", None, 401)
    await get(http, "/api/v1/follow_requests", scene.narrow_token, 403)
    await get(http, "/api/v1/follow_requests", follows_only)
    path = f"/api/v1/follow_requests/{scene.bob}/authorize"
    assert (await http.post(path)).status_code == 401
    assert (await http.post(path, headers=bearer(follows_only))).status_code == 403
    unknown = await http.post(
        "/api/v1/follow_requests/99999999/authorize", headers=bearer(scene.alice_token)
    )
    assert unknown.status_code == 404
