"""A local account an admin suspended, over the client API, as Mastodon serves one: the Account
entity says `suspended: true` and nothing of the profile, with no statuses, follows or counts;
its posts leave the timelines and search; nobody can follow it. Unsuspending brings all back."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.domain import apps, follows, moderation
from tests.support.api_scene import Scene, bearer, get
from tests.support.oauth import Pair


async def _status_ids(http: Client, path: str) -> list[int]:
    return [int(status["id"]) for status in await get(http, path)]


async def _account_ids(http: Client, path: str) -> list[int]:
    return [int(found["id"]) for found in (await get(http, path))["accounts"]]


async def test_a_suspended_account_is_served_as_suspended(client: Pair, scene: Scene) -> None:
    http, svc = client
    before = await get(http, f"/api/v1/accounts/{scene.alice}")
    assert "suspended" not in before and before["statuses_count"] == 1
    await moderation.suspend(svc, "alice")

    shown = await get(http, f"/api/v1/accounts/{scene.alice}")
    assert shown["suspended"] is True and shown["id"] == str(scene.alice)
    assert (shown["username"], shown["acct"], shown["uri"]) == ("alice", "alice", before["uri"])
    assert (shown["display_name"], shown["note"], shown["fields"]) == ("", "", [])
    assert shown["avatar"] == f"{svc.settings.instance.url}/static/missing.png"
    counts = ("statuses_count", "followers_count", "following_count")
    assert [shown[key] for key in counts] == [0, 0, 0]
    assert await get(http, "/api/v1/accounts/lookup?acct=alice") == shown
    for suffix in ("statuses", "followers", "following"):
        assert await get(http, f"/api/v1/accounts/{scene.alice}/{suffix}") == [], suffix
    # bob's own list no longer holds alice's picture he boosted, nor alice among his follows
    assert scene.boost not in await _status_ids(http, f"/api/v1/accounts/{scene.bob}/statuses")
    assert await get(http, f"/api/v1/accounts/{scene.bob}/following") == []
    related = await get(http, f"/api/v1/accounts/relationships?id[]={scene.alice}", scene.bob_token)
    assert [item["id"] for item in related] == [str(scene.alice)]  # apps ask it on the profile

    assert scene.lighthouse not in await _status_ids(http, "/api/v1/timelines/public")
    assert scene.lighthouse not in await _status_ids(http, "/api/v1/timelines/tag/sea")
    await get(http, f"/api/v1/statuses/{scene.lighthouse}", status=404)
    assert scene.alice not in await _account_ids(http, "/api/v2/search?q=alice&type=accounts")
    searched = await get(http, "/api/v1/accounts/search?q=alice", scene.bob_token)
    assert str(scene.alice) not in [found["id"] for found in searched]

    await moderation.unsuspend(svc, "alice")
    assert await get(http, f"/api/v1/accounts/{scene.alice}") == before
    assert scene.lighthouse in await _status_ids(http, "/api/v1/timelines/tag/sea")
    assert await _status_ids(http, f"/api/v1/accounts/{scene.alice}/statuses")
    assert scene.alice in await _account_ids(http, "/api/v2/search?q=alice&type=accounts")


async def test_a_suspended_account_cannot_be_followed(client: Pair, scene: Scene) -> None:
    http, svc = client
    carol = (await apps.personal_token(svc, "bob", "read write follow")).secret
    await http.post(f"/api/v1/accounts/{scene.alice}/unfollow", headers=bearer(carol))
    await moderation.suspend(svc, "alice")

    answer = await http.post(f"/api/v1/accounts/{scene.alice}/follow", headers=bearer(carol))
    assert answer.status_code == 404
    with pytest.raises(follows.FollowError, match="suspended"):
        await follows.follow(svc, "bob", "alice")  # the CLI and the web pages refuse it too
    related = await get(http, f"/api/v1/accounts/relationships?id[]={scene.alice}", carol)
    assert related[0]["following"] is False and related[0]["requested"] is False

    await moderation.unsuspend(svc, "alice")
    answer = await http.post(f"/api/v1/accounts/{scene.alice}/follow", headers=bearer(carol))
    assert answer.status_code == 200 and (await answer.get_json())["following"] is True
