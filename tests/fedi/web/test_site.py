"""The site's own files and error pages: favicon, robots.txt, 404/405/500 as pages or JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.web.app import CSP, create_app
from fedi.web.routes.site import STATIC

AS2 = "application/activity+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_favicon_is_our_icon_with_its_type_and_caching(
    client: tuple[Client, Services],
) -> None:
    http, _ = client
    response = await http.get("/favicon.ico")
    assert response.status_code == 200
    assert response.content_type == "image/vnd.microsoft.icon"
    assert response.headers["Cache-Control"] == "public, max-age=604800"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = await response.get_data()
    assert body == (STATIC / "favicon.ico").read_bytes()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


async def test_robots_txt_allows_the_pages_and_keeps_crawlers_off_media(
    client: tuple[Client, Services],
) -> None:
    http, _ = client
    response = await http.get("/robots.txt")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    assert "max-age=" in response.headers["Cache-Control"]
    groups = {
        lines[0].removeprefix("User-agent: "): lines[1:]
        for lines in (group.splitlines() for group in (await response.get_data(True)).split("\n\n"))
    }
    assert groups["*"] == ["Disallow: /media/"]  # profiles, posts and tag pages stay open
    assert groups["GPTBot"] == ["Disallow: /"]


@pytest.mark.parametrize("path", ["/nowhere", "/@nobody", "/@alice/999999", "/media/x.webp"])
async def test_not_found_is_a_page_in_the_site_style(
    client: tuple[Client, Services], path: str
) -> None:
    http, svc = client
    response = await http.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    page = await response.get_data(True)
    assert "<h1>Not found</h1>" in page
    assert svc.settings.instance.name in page
    assert 'href="/static/impasto.css"' in page
    assert "<script" not in page and "style=" not in page
    assert response.headers["Content-Security-Policy"] == CSP


@pytest.mark.parametrize("accept", [AS2, "application/json", "application/jrd+json"])
async def test_json_clients_get_a_json_error(client: tuple[Client, Services], accept: str) -> None:
    http, _ = client
    for path in ("/nowhere", "/@nobody"):
        response = await http.get(path, headers={"Accept": accept})
        assert response.status_code == 404
        assert response.content_type == "application/json"
        assert await response.get_json() == {"error": "not found"}
        assert response.headers["Vary"] == "Accept"


async def test_the_activitypub_routes_keep_their_own_reasons(
    client: tuple[Client, Services],
) -> None:
    http, _ = client
    response = await http.get("/users/nobody", headers={"Accept": AS2})
    assert response.status_code == 404
    assert await response.get_json() == {"error": "no such account"}


async def test_a_wrong_method_is_405_with_allow(client: tuple[Client, Services]) -> None:
    http, _ = client
    page = await http.get("/inbox", headers={"Accept": BROWSER})
    assert page.status_code == 405
    assert "POST" in page.headers["Allow"]
    assert "<h1>Not allowed</h1>" in await page.get_data(True)
    as_json = await http.get("/inbox", headers={"Accept": AS2})
    assert as_json.status_code == 405
    assert await as_json.get_json() == {"error": "method not allowed"}


@pytest.fixture
async def failing(config_path: Path) -> AsyncIterator[Client]:
    """The app with a route that crashes, served as in production (no exception propagates)."""
    app = create_app(load_settings(config_path), workers=False)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    async def crash() -> str:
        raise RuntimeError("the secret details of a bug")

    async with app.test_app() as test_app:
        yield test_app.test_client()


async def test_a_crash_is_a_500_page_that_tells_nothing_of_the_bug(failing: Client) -> None:
    response = await failing.get("/crash", headers={"Accept": BROWSER})
    assert response.status_code == 500
    page = await response.get_data(True)
    assert "<h1>Something went wrong</h1>" in page
    assert "secret" not in page and "RuntimeError" not in page
    assert response.headers["Content-Security-Policy"] == CSP
    as_json = await failing.get("/crash", headers={"Accept": AS2})
    assert as_json.status_code == 500
    assert await as_json.get_json() == {"error": "internal server error"}
