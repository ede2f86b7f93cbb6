"""The front page a visitor sees: the server's description and its latest public pictures."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post
from fedi.web.routes import web
from storage.models import Post
from storage.timeutil import utcnow


async def test_front_page_shows_the_latest_public_pictures_made_here(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    older = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    newer = await make_post(svc, Draft("alice", "a fox in the snow"))
    hidden = await make_post(svc, Draft("alice", "a barn at night"))
    gone = await make_post(svc, Draft("alice", "a boat that was deleted"))
    async with svc.sessions.begin() as session:
        (await session.get(Post, hidden.id)).visibility = "private"  # type: ignore[union-attr]
        (await session.get(Post, gone.id)).deleted_at = utcnow()  # type: ignore[union-attr]

    response = await http.get("/")
    assert response.status_code == 200
    page = await response.get_data(as_text=True)
    assert svc.settings.instance.description in page
    assert page.index(str(newer.url)) < page.index(str(older.url))
    assert str(hidden.url) not in page and str(gone.url) not in page
    assert 'alt="AI-generated image of: a fox in the snow"' in page
    assert 'href="/about"' in page


async def test_front_page_says_when_there_is_nothing_yet(client: tuple[Client, Services]) -> None:
    http, _ = client
    page = await (await http.get("/")).get_data(as_text=True)
    assert "No pictures yet." in page


async def test_front_page_pages_back_with_older(
    client: tuple[Client, Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    http, svc = client
    monkeypatch.setattr(web, "PAGE_SIZE", 2)
    made = [await make_post(svc, Draft("alice", f"a lighthouse number {n}")) for n in range(3)]
    first = await (await http.get("/")).get_data(as_text=True)
    assert str(made[2].url) in first and str(made[0].url) not in first
    assert f'href="?max_id={made[1].id}"' in first
    second = await (await http.get(f"/?max_id={made[1].id}")).get_data(as_text=True)
    assert str(made[0].url) in second and str(made[1].url) not in second
