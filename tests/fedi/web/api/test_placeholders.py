"""The endpoints for things Impasto does not have answer as Mastodon does when there are none."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import apps
from tests.support.api_scene import bearer

PUBLIC_LISTS = [
    "/api/v1/custom_emojis",
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
]
# Mastodon serves these to a signed-in user only, each under its scope.
USER_LISTS = {
    "/api/v1/lists": "read:lists",
    "/api/v1/filters": "read:filters",
    "/api/v2/filters": "read:filters",
    "/api/v1/announcements": "read",
    "/api/v1/followed_tags": "read:follows",
    "/api/v1/suggestions": "read",
    "/api/v2/suggestions": "read",
}


@pytest.mark.parametrize("path", PUBLIC_LISTS)
async def test_answers_an_empty_list(client: tuple[Client, Services], path: str) -> None:
    response = await client[0].get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert await response.get_json() == []


@pytest.mark.parametrize(("path", "scope"), USER_LISTS.items())
async def test_a_user_token_gets_an_empty_list(
    client: tuple[Client, Services], path: str, scope: str
) -> None:
    http, svc = client
    missing = await http.get(path)
    assert missing.status_code == 401
    assert (await missing.get_json())["error"]
    bad = await http.get(path, headers=bearer("not-a-token"))
    assert bad.status_code == 401
    narrow = (await apps.personal_token(svc, "alice", "write")).secret
    assert (await http.get(path, headers=bearer(narrow))).status_code == 403
    token = (await apps.personal_token(svc, "alice", scope)).secret
    response = await http.get(path, headers=bearer(token))
    assert response.status_code == 200
    assert await response.get_json() == []


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
