"""The one paging helper: Mastodon's limit (default and maximum per list), max_id, since_id and
min_id in; the Link header out, as Mastodon writes it, followed to the end."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from storage import accounts
from tests.support.api_scene import add_post, cli, get
from tests.support.oauth import Pair
from tests.support.rows import accepted_follow, account

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


async def _posts(svc: Services, count: int) -> list[int]:
    """`count` public posts of alice, newest first."""
    async with svc.reads() as session:
        alice = await accounts.local_account(session, "alice")
    assert alice is not None
    made = [await add_post(svc, alice.id, text=f"picture {n}") for n in range(count)]
    return sorted(made, reverse=True)


async def _page(http: Client, path: str) -> tuple[list[int], dict[str, str]]:
    response = await http.get(path)
    assert response.status_code == 200, path
    links = {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}
    return [int(status["id"]) for status in await response.get_json()], links


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_pages_follow_the_link_header_to_the_end(client: Pair) -> None:
    http, svc = client
    made = await _posts(svc, 45)
    seen: list[int] = []
    path = "/api/v1/timelines/public?local=true"
    pages = 0
    while path:
        ids, links = await _page(http, path)
        pages += 1
        seen += ids
        if not ids:
            assert links == {}  # an empty page has no links, as Mastodon's timelines
            break
        assert ids == sorted(ids, reverse=True)
        base = svc.settings.instance.url
        assert links["next"] == f"{base}/api/v1/timelines/public?local=true&max_id={ids[-1]}"
        assert links["prev"] == f"{base}/api/v1/timelines/public?local=true&min_id={ids[0]}"
        path = _path(links["next"])
    assert seen == made
    assert pages == 4  # 20, 20, 5 and the empty page past the end


async def test_the_exact_link_header(client: Pair) -> None:
    http, svc = client
    made = await _posts(svc, 3)
    response = await http.get("/api/v1/timelines/public?limit=2&only_media=0&access_token=x")
    base = f"{svc.settings.instance.url}/api/v1/timelines/public?limit=2&only_media=0"
    assert response.headers["Link"] == (
        f'<{base}&max_id={made[1]}>; rel="next", <{base}&min_id={made[0]}>; rel="prev"'
    )
    assert response.headers["Access-Control-Expose-Headers"].startswith("Link")


@pytest.mark.parametrize(
    ("asked", "given"), [("", 20), ("5", 5), ("100", 40), ("0", 20), ("x", 20)]
)
async def test_limit_defaults_to_20_and_stops_at_40(client: Pair, asked: str, given: int) -> None:
    http, svc = client
    await _posts(svc, 45)
    ids, _ = await _page(http, f"/api/v1/timelines/public?limit={asked}")
    assert len(ids) == given


async def test_max_since_and_min_id(client: Pair) -> None:
    http, svc = client
    made = await _posts(svc, 10)  # newest first
    ids, _ = await _page(http, f"/api/v1/timelines/public?max_id={made[4]}&limit=3")
    assert ids == made[5:8]  # below max_id, newest first
    ids, _ = await _page(http, f"/api/v1/timelines/public?since_id={made[8]}&limit=3")
    assert ids == made[0:3]  # the newest above since_id
    ids, _ = await _page(http, f"/api/v1/timelines/public?min_id={made[8]}&limit=3")
    assert ids == made[5:8]  # right above min_id, still newest first
    ids, _ = await _page(http, f"/api/v1/timelines/public?min_id={made[8]}&max_id={made[4]}")
    assert ids == made[5:8]  # between the two


async def test_account_lists_page_by_follow_with_40_and_80(client: Pair) -> None:
    http, svc = client
    async with svc.sessions.begin() as session:
        alice = await accounts.local_account(session, "alice")
        assert alice is not None
        for n in range(85):
            fan = account(f"https://f.example/users/fan{n}", f"fan{n}", "f.example")
            session.add(fan)
            await session.flush()
            session.add(accepted_follow(f"https://f.example/follows/{n}", fan.id, alice.id))
    path = f"/api/v1/accounts/{alice.id}/followers"
    response = await http.get(path)
    first = await response.get_json()
    assert len(first) == 40
    assert first[0]["username"] == "fan84"  # newest follow first
    links = dict((rel, url) for url, rel in LINK.findall(response.headers["Link"]))
    assert "max_id=" in links["next"] and "min_id=" in links["prev"]
    rest = await get(http, _path(links["next"]) + "&limit=200")
    assert len(rest) == 45 and rest[-1]["username"] == "fan0"


async def test_links_of_a_hashtag_in_any_letters(client: Pair, config_path: Path) -> None:
    http, svc = client
    await cli(config_path, "post", "alice", "a cup of coffee", "--caption", "#Café au lait")
    response = await http.get("/api/v1/timelines/tag/caf%C3%A9")
    assert len(await response.get_json()) == 1
    base = f"{svc.settings.instance.url}/api/v1/timelines/tag/caf%C3%A9?"
    assert response.headers["Link"].startswith(f"<{base}max_id=")
