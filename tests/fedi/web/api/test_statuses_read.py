"""GET /api/v1/statuses/:id, /api/v1/statuses?id[]=, /:id/context, /:id/favourited_by and
/:id/reblogged_by: a picture post says what made it, boosts wrap, audiences hold, scopes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api_scene import CAROL_POST, Scene, add_post, cli, get, post_id
from tests.support.oauth import Pair


async def test_a_picture_post(client: Pair, scene: Scene) -> None:
    http, svc = client
    status = await get(http, f"/api/v1/statuses/{scene.lighthouse}")
    base = svc.settings.instance.url
    # The content is the Note's HTML: caption, the model, the prompt.
    assert "Made with Impasto built-in painter" in status["content"]
    assert "Prompt: a lighthouse on a cliff" in status["content"]
    assert 'class="mention hashtag"' in status["content"]
    (picture,) = status["media_attachments"]
    assert picture["description"] == "A white lighthouse"  # the alt text
    assert picture["type"] == "image" and picture["url"].startswith(f"{base}/media/")
    assert picture["remote_url"] is None and picture["blurhash"]
    assert picture["meta"]["original"]["width"] > 0
    assert status["mentions"] == [
        {"id": str(scene.bob), "username": "bob", "url": f"{base}/@bob", "acct": "bob"}
    ]
    assert status["tags"] == [{"name": "sea", "url": f"{base}/tags/sea"}]
    assert status["url"] == f"{base}/@alice/{scene.lighthouse}"
    assert status["uri"] == f"{base}/users/alice/statuses/{scene.lighthouse}"
    counts = (status["replies_count"], status["reblogs_count"], status["favourites_count"])
    assert counts == (1, 1, 1)
    assert status["application"] == {"name": "Impasto", "website": None}
    for key in ("favourited", "reblogged", "bookmarked", "muted", "pinned"):
        assert key not in status  # nobody signed in: Mastodon leaves them out


async def test_what_the_viewer_did(client: Pair, scene: Scene) -> None:
    http, _ = client
    by_bob = await get(http, f"/api/v1/statuses/{scene.lighthouse}", scene.bob_token)
    assert (by_bob["favourited"], by_bob["reblogged"], by_bob["bookmarked"]) == (True, True, False)
    assert "pinned" not in by_bob  # not his post
    by_alice = await get(http, f"/api/v1/statuses/{scene.lighthouse}", scene.alice_token)
    assert (by_alice["favourited"], by_alice["reblogged"], by_alice["pinned"]) == (
        False,
        False,
        True,
    )
    fox = await get(http, f"/api/v1/statuses/{scene.fox}", scene.bob_token)
    assert fox["pinned"] is False


async def test_a_remote_post(client: Pair, scene: Scene) -> None:
    http, _ = client
    status = await get(http, f"/api/v1/statuses/{scene.remote}")
    assert status["uri"] == CAROL_POST
    assert status["url"] == "https://c.example/@carol/1"
    assert status["account"]["acct"] == "carol@c.example"
    assert "application" not in status
    (picture,) = status["media_attachments"]
    # Not copied here yet: the original is both its url and its remote_url.
    assert picture["url"] == picture["remote_url"] == "https://c.example/media/1.png"
    assert picture["description"] == "A red square"


async def test_a_boost_wraps_the_post(client: Pair, scene: Scene) -> None:
    http, _ = client
    boost = await get(http, f"/api/v1/statuses/{scene.boost}", scene.bob_token)
    assert boost["id"] == str(scene.boost)
    assert boost["account"]["username"] == "bob"
    assert boost["reblog"]["id"] == str(scene.lighthouse)
    assert boost["reblog"]["account"]["username"] == "alice"
    assert boost["uri"].startswith(boost["account"]["uri"]) and "/announce/" in boost["uri"]
    assert (boost["url"], boost["content"], boost["media_attachments"]) == (None, "", [])
    assert boost["reblogged"] is True


@pytest.mark.parametrize("bad", ["0", "abc", "9" * 30, "1.5"])
async def test_unknown_statuses_are_404(client: Pair, bad: str) -> None:
    http, _ = client
    for suffix in ("", "/context", "/favourited_by", "/reblogged_by"):
        answer = await get(http, f"/api/v1/statuses/{bad}{suffix}", status=404)
        assert answer == {"error": "Record not found"}


async def test_audiences(client: Pair, scene: Scene) -> None:
    http, svc = client
    private = await add_post(svc, scene.bob, visibility="private")
    await get(http, f"/api/v1/statuses/{private}", status=404)
    await get(http, f"/api/v1/statuses/{private}/context", status=404)
    assert (await get(http, f"/api/v1/statuses/{private}", scene.alice_token))["id"] == str(private)
    carol_only = await add_post(svc, scene.carol, visibility="private")
    await get(http, f"/api/v1/statuses/{carol_only}", scene.alice_token, status=404)


async def test_several_statuses_in_the_order_asked(client: Pair, scene: Scene) -> None:
    http, svc = client
    private = await add_post(svc, scene.bob, visibility="private")
    ids = [scene.fox, 1, scene.boost, private, scene.lighthouse, scene.fox]
    query = "&".join(f"id[]={key}" for key in ids) + "&id[]=junk"
    found = await get(http, f"/api/v1/statuses?{query}")
    assert [item["id"] for item in found] == [
        str(scene.fox),
        str(scene.boost),
        str(scene.lighthouse),
    ]
    with_token = await get(http, f"/api/v1/statuses?{query}", scene.alice_token)
    assert str(private) in [item["id"] for item in with_token]
    many = "&".join(f"id[]={n}" for n in range(1, 22))
    answer = await get(http, f"/api/v1/statuses?{many}", status=422)
    assert "20" in answer["error"]


async def test_context(client: Pair, scene: Scene) -> None:
    http, svc = client
    below = await add_post(
        svc, scene.alice, in_reply_to=(await get(http, f"/api/v1/statuses/{scene.boat}"))["uri"]
    )
    around = await get(http, f"/api/v1/statuses/{scene.boat}/context")
    assert [item["id"] for item in around["ancestors"]] == [str(scene.lighthouse)]
    assert [item["id"] for item in around["descendants"]] == [str(below)]
    top = await get(http, f"/api/v1/statuses/{scene.lighthouse}/context", scene.alice_token)
    assert top["ancestors"] == []
    assert [item["id"] for item in top["descendants"]] == [str(scene.boat), str(below)]
    assert top["descendants"][0]["in_reply_to_id"] == str(scene.lighthouse)


async def test_who_liked_and_who_boosted(client: Pair, scene: Scene) -> None:
    http, _ = client
    for rel in ("favourited_by", "reblogged_by"):
        found = await get(http, f"/api/v1/statuses/{scene.lighthouse}/{rel}")
        assert [account["username"] for account in found] == ["bob"]
        assert await get(http, f"/api/v1/statuses/{scene.fox}/{rel}") == []


async def test_scopes(client: Pair, scene: Scene) -> None:
    http, _ = client
    path = f"/api/v1/statuses/{scene.fox}"
    await get(http, path, "not-a-token", status=401)
    for suffix in ("", "/context"):
        await get(http, path + suffix, scene.narrow_token, status=403)
    await get(http, f"{path}/favourited_by", scene.narrow_token, status=403)
    await get(http, f"/api/v1/statuses?id[]={scene.fox}", scene.narrow_token, status=403)


async def test_a_content_warning_and_an_edit(client: Pair, scene: Scene, config_path: Path) -> None:
    http, _ = client
    warned = post_id(await cli(config_path, "post", "alice", "a spider", "--cw", "spiders"))
    status = await get(http, f"/api/v1/statuses/{warned}")
    assert (status["spoiler_text"], status["sensitive"], status["edited_at"]) == (
        "spiders",
        True,
        None,
    )
    await cli(config_path, "edit", "alice", str(warned), "--cw", "", "--no-sensitive")
    edited = await get(http, f"/api/v1/statuses/{warned}")
    assert (edited["spoiler_text"], edited["sensitive"]) == ("", False)
    assert edited["edited_at"] is not None and edited["edited_at"].endswith("Z")
