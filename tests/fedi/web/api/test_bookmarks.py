"""Bookmarks and favourites: POST /statuses/:id/bookmark and /unbookmark, `bookmarked` for the
viewer only, GET /api/v1/bookmarks and /api/v1/favourites newest first, paged by the bookmark's
or the like's id with Link headers; scopes; a post the user may not read is neither bookmarked
nor listed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quart.typing import TestClientProtocol as Client

from fedi.domain import apps
from tests.support.api_scene import Scene, add_post, bearer, cli, get
from tests.support.oauth import Pair

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


async def _post(http: Client, path: str, token: str, code: int = 200) -> Any:
    response = await http.post(path, headers=bearer(token))
    assert response.status_code == code, (path, await response.get_data(as_text=True))
    return await response.get_json()


async def _page(http: Client, path: str, token: str) -> tuple[list[int], dict[str, str]]:
    response = await http.get(path, headers=bearer(token))
    assert response.status_code == 200, await response.get_data(as_text=True)
    links = {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}
    return [int(status["id"]) for status in await response.get_json()], links


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_bookmarks_are_listed_newest_first_and_paged(client: Pair, scene: Scene) -> None:
    http, svc = client
    token = (await apps.personal_token(svc, "alice", "read write")).secret
    for post in (scene.lighthouse, scene.fox, scene.remote):
        marked = await _post(http, f"/api/v1/statuses/{post}/bookmark", token)
        assert marked["bookmarked"] is True and marked["id"] == str(post)
    await _post(http, f"/api/v1/statuses/{scene.fox}/bookmark", token)  # again: no change
    ids, links = await _page(http, "/api/v1/bookmarks?limit=2", token)
    assert ids == [scene.remote, scene.fox]
    assert "max_id=" in links["next"] and "min_id=" in links["prev"]
    rest, _ = await _page(http, _path(links["next"]), token)
    assert rest == [scene.lighthouse]
    # Bob sees his own (none) and `bookmarked` false on the same post.
    bob, _ = await _page(http, "/api/v1/bookmarks", (await _token(client, "bob", "read")))
    assert bob == []
    shown = await get(http, f"/api/v1/statuses/{scene.fox}", scene.bob_token)
    assert shown["bookmarked"] is False
    # Unbookmarked, it is gone; unbookmarking again is no error.
    for _ in range(2):
        gone = await _post(http, f"/api/v1/statuses/{scene.fox}/unbookmark", token)
        assert gone["bookmarked"] is False
    ids, _ = await _page(http, "/api/v1/bookmarks", token)
    assert ids == [scene.remote, scene.lighthouse]


async def _token(client: Pair, name: str, scopes: str) -> str:
    return (await apps.personal_token(client[1], name, scopes)).secret


async def test_favourites_are_the_users_likes_newest_first(client: Pair, scene: Scene) -> None:
    http, _ = client
    alice = await _token(client, "alice", "read:favourites write:favourites")
    for post in (scene.remote, scene.fox):
        await _post(http, f"/api/v1/statuses/{post}/favourite", alice)
    ids, links = await _page(http, "/api/v1/favourites?limit=1", alice)
    assert ids == [scene.fox]
    rest, _ = await _page(http, _path(links["next"]), alice)
    assert rest == [scene.remote]
    bob = await _token(client, "bob", "read:favourites")
    ids, _ = await _page(http, "/api/v1/favourites", bob)
    assert ids == [scene.lighthouse]  # bob liked alice's lighthouse (the scene)
    await _post(http, f"/api/v1/statuses/{scene.fox}/unfavourite", alice)
    ids, _ = await _page(http, "/api/v1/favourites", alice)
    assert ids == [scene.remote]


async def test_scopes_and_unreadable_posts(client: Pair, scene: Scene, config_path: Path) -> None:
    http, svc = client
    path = f"/api/v1/statuses/{scene.fox}/bookmark"
    response = await http.post(path)
    assert response.status_code == 401
    await _post(http, path, scene.bob_token, 403)  # read only
    await _post(http, path, await _token(client, "alice", "write:favourites"), 403)
    for listed, wrong in (("bookmarks", "read:favourites"), ("favourites", "read:bookmarks")):
        narrow = await _token(client, "alice", wrong)
        response = await http.get(f"/api/v1/{listed}", headers=bearer(narrow))
        assert response.status_code == 403
        assert (await http.get(f"/api/v1/{listed}")).status_code == 401
    # dave follows nobody: alice's followers-only post cannot be bookmarked by him (404).
    await cli(config_path, "user", "create", "dave")
    dave = await _token(client, "dave", "read write")
    secret = await add_post(svc, scene.alice, visibility="private")
    await _post(http, f"/api/v1/statuses/{secret}/bookmark", dave, 404)
    # bob follows alice and bookmarks it; once he unfollows, it is no longer listed for him.
    bob = await _token(client, "bob", "read write follow")
    await _post(http, f"/api/v1/statuses/{secret}/bookmark", bob)
    assert (await _page(http, "/api/v1/bookmarks", bob))[0] == [secret]
    await _post(http, f"/api/v1/accounts/{scene.alice}/unfollow", bob)
    assert (await _page(http, "/api/v1/bookmarks", bob))[0] == []


async def test_a_deleted_post_leaves_the_bookmarks(client: Pair, scene: Scene) -> None:
    http, _ = client
    bob = await _token(client, "bob", "read write")
    await _post(http, f"/api/v1/statuses/{scene.fox}/bookmark", bob)
    response = await http.delete(f"/api/v1/statuses/{scene.fox}", headers=bearer(bob))
    assert response.status_code == 200
    assert (await _page(http, "/api/v1/bookmarks", bob))[0] == []
