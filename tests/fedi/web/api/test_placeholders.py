"""The endpoints for things Impasto does not have answer as Mastodon does when there are none."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services

EMPTY_LISTS = [
    "/api/v1/custom_emojis",
    "/api/v1/lists",
    "/api/v1/filters",
    "/api/v2/filters",
    "/api/v1/announcements",
    "/api/v1/followed_tags",
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
    "/api/v1/suggestions",
    "/api/v2/suggestions",
]


@pytest.mark.parametrize("path", EMPTY_LISTS)
async def test_answers_an_empty_list(client: tuple[Client, Services], path: str) -> None:
    response = await client[0].get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert await response.get_json() == []


async def test_markers_are_an_empty_hash(client: tuple[Client, Services]) -> None:
    response = await client[0].get("/api/v1/markers?timeline[]=home&timeline[]=notifications")
    assert response.status_code == 200
    assert await response.get_json() == {}


async def test_preferences_wait_for_sign_in(client: tuple[Client, Services]) -> None:
    """They describe the signed-in user: not served until the token check exists."""
    response = await client[0].get("/api/v1/preferences")
    assert response.status_code == 404


async def test_a_browser_app_may_preflight(client: tuple[Client, Services]) -> None:
    """Phanpy and Elk send their token from another origin: the preflight is allowed."""
    response = await client[0].options(
        "/api/v1/lists",
        headers={
            "Origin": "https://phanpy.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
