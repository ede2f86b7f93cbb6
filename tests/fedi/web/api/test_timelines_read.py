"""GET /api/v1/timelines/home, /public and /tag/:hashtag: who may read them, what they hold,
and Mastodon's filters."""

from __future__ import annotations

from tests.support.api_scene import Scene, add_post, get
from tests.support.oauth import Pair


async def _ids(client: Pair, path: str, token: str | None = None) -> list[int]:
    return [int(status["id"]) for status in await get(client[0], path, token)]


async def test_home(client: Pair, scene: Scene) -> None:
    home = "/api/v1/timelines/home"
    # alice follows bob: his posts and his boost of her post (the newest entry of that post)
    assert await _ids(client, home, scene.alice_token) == [scene.boost, scene.boat, scene.fox]
    statuses = await get(client[0], home, scene.alice_token)
    assert statuses[0]["reblog"]["id"] == str(scene.lighthouse)
    assert await _ids(client, home, scene.bob_token) == [scene.boost, scene.boat, scene.fox]


async def test_home_needs_a_user_token_with_the_scope(client: Pair, scene: Scene) -> None:
    http, _ = client
    assert await get(http, "/api/v1/timelines/home", status=401) == {
        "error": "The access token is invalid"
    }
    response = await http.get("/api/v1/timelines/home")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    await get(http, "/api/v1/timelines/home", scene.narrow_token, status=403)


async def test_public_and_its_filters(client: Pair, scene: Scene) -> None:
    public = "/api/v1/timelines/public"
    everything = [scene.remote, scene.fox, scene.lighthouse]  # no replies to others, no boosts
    assert await _ids(client, public) == everything
    assert await _ids(client, public, scene.alice_token) == everything
    assert await _ids(client, f"{public}?local=true") == [scene.fox, scene.lighthouse]
    assert await _ids(client, f"{public}?remote=true") == [scene.remote]
    assert await _ids(client, f"{public}?local=0&remote=0") == everything
    assert await _ids(client, f"{public}?only_media=true") == everything
    _, svc = client
    plain = await add_post(client[1], scene.carol)  # no picture
    unlisted = await add_post(svc, scene.bob, visibility="unlisted")
    assert plain in await _ids(client, public)
    assert plain not in await _ids(client, f"{public}?only_media=true")
    assert unlisted not in await _ids(client, public)


async def test_public_refuses_a_bad_token(client: Pair, scene: Scene) -> None:
    http, _ = client
    await get(http, "/api/v1/timelines/public", "not-a-token", status=401)
    await get(http, "/api/v1/timelines/public", scene.narrow_token, status=403)


async def test_hashtag(client: Pair, scene: Scene) -> None:
    assert await _ids(client, "/api/v1/timelines/tag/sea") == [scene.lighthouse]
    assert await _ids(client, "/api/v1/timelines/tag/SEA?local=true") == [scene.lighthouse]
    assert await _ids(client, "/api/v1/timelines/tag/sea?remote=true") == []
    assert await _ids(client, "/api/v1/timelines/tag/nothing") == []  # as Mastodon: no 404
