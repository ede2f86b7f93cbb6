"""GET /api/v1/notifications (types, exclude_types, account_id, paging), GET /:id,
POST /:id/dismiss and /clear, with Mastodon's scopes."""

from __future__ import annotations

from fedi.domain import apps
from tests.support.api_scene import Scene, bearer, get
from tests.support.oauth import Pair

NOTIFICATIONS = "/api/v1/notifications"


async def _types(client: Pair, query: str, token: str) -> list[str]:
    return [item["type"] for item in await get(client[0], NOTIFICATIONS + query, token)]


async def test_alices_notifications(client: Pair, scene: Scene) -> None:
    found = await get(client[0], NOTIFICATIONS, scene.alice_token)
    # newest first: bob boosted, liked, followed, and answered (a reply is a mention)
    assert [item["type"] for item in found] == ["reblog", "favourite", "follow", "mention"]
    assert {item["account"]["username"] for item in found} == {"bob"}
    reblog, favourite, follow, mention = found
    assert reblog["status"]["id"] == favourite["status"]["id"] == str(scene.lighthouse)
    assert mention["status"]["id"] == str(scene.boat)
    assert "status" not in follow
    # bob is told of alice's mention of him and of her follow
    assert await _types(client, "", scene.bob_token) == ["follow", "mention"]


async def test_filters(client: Pair, scene: Scene) -> None:
    token = scene.alice_token
    assert await _types(client, "?types[]=mention", token) == ["mention"]
    assert await _types(client, "?types[]=favourite&types[]=reblog", token) == [
        "reblog",
        "favourite",
    ]
    assert await _types(client, "?exclude_types[]=follow&exclude_types[]=reblog", token) == [
        "favourite",
        "mention",
    ]
    assert await _types(client, "?types[]=poll", token) == []
    assert await _types(client, "?exclude_types[]=poll", token) == [
        "reblog",
        "favourite",
        "follow",
        "mention",
    ]
    assert await _types(client, f"?account_id={scene.bob}", token) == [
        "reblog",
        "favourite",
        "follow",
        "mention",
    ]
    assert await _types(client, f"?account_id={scene.carol}", token) == []


async def test_paging(client: Pair, scene: Scene) -> None:
    http, svc = client
    response = await http.get(f"{NOTIFICATIONS}?limit=2", headers=bearer(scene.alice_token))
    first = await response.get_json()
    link = response.headers["Link"]
    base = f"{svc.settings.instance.url}{NOTIFICATIONS}?limit=2"
    assert f'<{base}&max_id={first[-1]["id"]}>; rel="next"' in link
    assert f'<{base}&min_id={first[0]["id"]}>; rel="prev"' in link
    rest = await get(http, f"{NOTIFICATIONS}?max_id={first[-1]['id']}", scene.alice_token)
    assert [item["type"] for item in rest] == ["follow", "mention"]
    newer = await get(http, f"{NOTIFICATIONS}?min_id={rest[0]['id']}", scene.alice_token)
    assert [item["id"] for item in newer] == [item["id"] for item in first]


async def test_one_dismiss_and_clear(client: Pair, scene: Scene) -> None:
    http, _ = client
    token = scene.alice_token
    found = await get(http, NOTIFICATIONS, token)
    first = found[0]["id"]
    assert (await get(http, f"{NOTIFICATIONS}/{first}", token))["type"] == "reblog"
    await get(http, f"{NOTIFICATIONS}/{first}", scene.bob_token, status=404)  # not bob's
    await get(http, f"{NOTIFICATIONS}/nope", token, status=404)
    response = await http.post(f"{NOTIFICATIONS}/{first}/dismiss", headers=bearer(token))
    assert response.status_code == 200 and await response.get_json() == {}
    assert len(await get(http, NOTIFICATIONS, token)) == 3
    await get(http, f"{NOTIFICATIONS}/{first}", token, status=404)
    again = await http.post(f"{NOTIFICATIONS}/{first}/dismiss", headers=bearer(token))
    assert again.status_code == 404
    assert await again.get_json() == {"error": "Record not found"}
    cleared = await http.post(f"{NOTIFICATIONS}/clear", headers=bearer(token))
    assert cleared.status_code == 200
    assert await get(http, NOTIFICATIONS, token) == []
    assert len(await get(http, NOTIFICATIONS, scene.bob_token)) == 2  # bob's stay


async def test_scopes(client: Pair, scene: Scene) -> None:
    http, svc = client
    await get(http, NOTIFICATIONS, status=401)
    await get(http, NOTIFICATIONS, scene.narrow_token, status=403)
    reader = scene.bob_token  # read only: may list, may not dismiss or clear
    listed = await get(http, NOTIFICATIONS, reader)
    dismiss = await http.post(f"{NOTIFICATIONS}/{listed[0]['id']}/dismiss", headers=bearer(reader))
    assert dismiss.status_code == 403
    assert (await http.post(f"{NOTIFICATIONS}/clear", headers=bearer(reader))).status_code == 403
    assert (await http.post(f"{NOTIFICATIONS}/clear")).status_code == 401
    writer = (await apps.personal_token(svc, "bob", "write:notifications")).secret
    assert (await http.post(f"{NOTIFICATIONS}/clear", headers=bearer(writer))).status_code == 200
    await get(http, NOTIFICATIONS, writer, status=403)
