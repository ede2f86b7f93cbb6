"""GET /api/v1/accounts/:id, /lookup, /:id/statuses (filters), /:id/followers, /:id/following
and /relationships: what they find, what they refuse, and the scopes they ask for."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import accounts
from tests.support.api_scene import Scene, add_post, cli, get
from tests.support.oauth import Pair


async def test_an_account_local_or_remote(client: Pair, scene: Scene) -> None:
    http, svc = client
    alice = await get(http, f"/api/v1/accounts/{scene.alice}")
    assert (alice["acct"], alice["display_name"]) == ("alice", "Alice")
    assert alice["url"] == f"{svc.settings.instance.url}/@alice"
    assert (alice["followers_count"], alice["following_count"], alice["statuses_count"]) == (
        1,
        1,
        1,
    )
    carol = await get(http, f"/api/v1/accounts/{scene.carol}")
    assert carol["acct"] == "carol@c.example"
    assert carol["url"] == "https://c.example/@carol"
    assert carol["avatar"] == f"{svc.settings.instance.url}/static/missing.png"
    assert carol["statuses_count"] == 1


@pytest.mark.parametrize("path", ["0", "123456789", "abc", "9" * 30, "-1"])
async def test_unknown_ids_are_404_record_not_found(client: Pair, path: str) -> None:
    http, _ = client
    for suffix in ("", "/statuses", "/followers", "/following"):
        answer = await get(http, f"/api/v1/accounts/{path}{suffix}", status=404)
        assert answer == {"error": "Record not found"}


async def test_the_instance_actor_is_no_account_to_show(client: Pair) -> None:
    http, svc = client
    async with svc.reads() as session:
        actor = await accounts.local_account(session, "instance.actor")
    assert actor is not None
    await get(http, f"/api/v1/accounts/{actor.id}", status=404)


@pytest.mark.parametrize(
    ("acct", "who"),
    [("alice", "alice"), ("@alice", "alice"), ("ALICE", "alice"), ("carol@c.example", "carol")],
)
async def test_lookup(client: Pair, scene: Scene, acct: str, who: str) -> None:
    http, _ = client
    found = await get(http, f"/api/v1/accounts/lookup?acct={acct}")
    assert found["username"] == who


async def test_lookup_with_this_servers_host_and_misses(client: Pair, scene: Scene) -> None:
    http, svc = client
    host = svc.settings.instance.host
    assert (await get(http, f"/api/v1/accounts/lookup?acct=bob@{host}"))["acct"] == "bob"
    for acct in ("nobody", "carol@elsewhere.example", "", "instance.actor"):
        answer = await get(http, f"/api/v1/accounts/lookup?acct={acct}", status=404)
        assert answer == {"error": "Record not found"}


async def _ids(client: Pair, path: str, token: str | None = None) -> list[int]:
    return [int(status["id"]) for status in await get(client[0], path, token)]


async def test_account_statuses_and_their_filters(client: Pair, scene: Scene) -> None:
    bob = f"/api/v1/accounts/{scene.bob}/statuses"
    # bob: the fox, the boat (a reply to alice), and his boost of alice's lighthouse
    assert await _ids(client, bob) == [scene.boost, scene.boat, scene.fox]
    assert await _ids(client, f"{bob}?exclude_reblogs=true") == [scene.boat, scene.fox]
    assert await _ids(client, f"{bob}?exclude_replies=1") == [scene.boost, scene.fox]
    assert await _ids(client, f"{bob}?only_media=true") == [scene.boat, scene.fox]
    assert await _ids(client, f"{bob}?exclude_reblogs=0&exclude_replies=0") == [
        scene.boost,
        scene.boat,
        scene.fox,
    ]
    alice = f"/api/v1/accounts/{scene.alice}/statuses"
    assert await _ids(client, f"{alice}?pinned=true") == [scene.lighthouse]
    assert await _ids(client, f"{alice}?tagged=sea") == [scene.lighthouse]
    assert await _ids(client, f"{alice}?tagged=SEA") == [scene.lighthouse]
    assert await _ids(client, f"{alice}?tagged=land") == []
    assert await _ids(client, f"/api/v1/accounts/{scene.carol}/statuses") == [scene.remote]


async def test_a_self_reply_stays_when_replies_are_excluded(client: Pair, scene: Scene) -> None:
    _, svc = client
    fox_uri = (await get(client[0], f"/api/v1/statuses/{scene.fox}"))["uri"]
    own = await add_post(svc, scene.bob, in_reply_to=fox_uri)
    found = await _ids(client, f"/api/v1/accounts/{scene.bob}/statuses?exclude_replies=true")
    assert found == [own, scene.boost, scene.fox]


async def test_account_statuses_keep_each_audience(client: Pair, scene: Scene) -> None:
    _, svc = client
    private = await add_post(svc, scene.bob, visibility="private")
    direct = await add_post(svc, scene.bob, visibility="direct")
    path = f"/api/v1/accounts/{scene.bob}/statuses?exclude_reblogs=true"
    assert private not in await _ids(client, path)  # nobody signed in
    assert private in await _ids(client, path, scene.alice_token)  # alice follows bob
    assert direct not in await _ids(client, path, scene.alice_token)
    assert {private, direct} <= set(await _ids(client, path, scene.bob_token))


async def test_followers_and_following(client: Pair, scene: Scene) -> None:
    http, _ = client
    for who, other in ((scene.alice, "bob"), (scene.bob, "alice")):
        for rel in ("followers", "following"):
            found = await get(http, f"/api/v1/accounts/{who}/{rel}")
            assert [account["username"] for account in found] == [other]


async def test_relationships(client: Pair, scene: Scene) -> None:
    http, _ = client
    path = f"/api/v1/accounts/relationships?id[]={scene.bob}&id[]={scene.carol}&id[]=1&id[]=x"
    bob, carol = await get(http, path, scene.alice_token)
    assert bob["id"] == str(scene.bob)
    assert (bob["following"], bob["followed_by"], bob["showing_reblogs"]) == (True, True, True)
    assert (carol["following"], carol["followed_by"], carol["requested"]) == (False,) * 3
    single = await get(http, f"/api/v1/accounts/relationships?id={scene.alice}", scene.bob_token)
    assert [item["following"] for item in single] == [True]


async def test_relationships_of_requests_and_blocks(
    client: Pair, scene: Scene, config_path: Path
) -> None:
    await cli(config_path, "user", "create", "dora", "--manual-approval")
    await cli(config_path, "follow", "alice", "dora")
    await cli(config_path, "block", "alice", "bob")
    http, _ = client
    async with client[1].reads() as session:
        dora = await accounts.local_account(session, "dora")
    assert dora is not None
    path = f"/api/v1/accounts/relationships?id[]={dora.id}&id[]={scene.bob}"
    to_dora, to_bob = await get(http, path, scene.alice_token)
    assert (to_dora["requested"], to_dora["following"]) == (True, False)
    assert (to_bob["blocking"], to_bob["following"], to_bob["followed_by"]) == (True, False, False)
    (from_bob,) = await get(
        http, f"/api/v1/accounts/relationships?id[]={scene.alice}", scene.bob_token
    )
    assert from_bob["blocked_by"] is True


async def test_scopes(client: Pair, scene: Scene) -> None:
    http, _ = client
    relationships = f"/api/v1/accounts/relationships?id[]={scene.bob}"
    assert await get(http, relationships, status=401) == {"error": "The access token is invalid"}
    await get(http, relationships, scene.narrow_token, status=403)
    # Public reads take no token, but a token sent must be good and carry the scope.
    public = f"/api/v1/accounts/{scene.bob}"
    await get(http, public)
    await get(http, public, "not-a-token", status=401)
    await get(http, public, scene.narrow_token, status=403)
    answer = await http.get(public, headers={"Authorization": "Basic abc"})
    assert answer.status_code == 401
    await get(http, f"/api/v1/accounts/{scene.bob}/statuses", scene.narrow_token, status=403)
    await get(http, f"/api/v1/accounts/{scene.bob}/followers", scene.narrow_token, status=403)
