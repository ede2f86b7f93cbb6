"""Every answer a browser can get carries the security headers: a strict Content-Security-
Policy (no 'unsafe-inline' or 'unsafe-eval', framing refused), X-Content-Type-Options:
nosniff and a Referrer-Policy: the pages, signed in or not, the error pages (403, 404, 429,
500), pictures and static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import select

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import auth
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.web.app import create_app
from storage.models import MediaAttachment
from tests.support.oauth import PASSWORD, page, register_app, sign_in

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@pytest.fixture
async def site(config_path: Path) -> AsyncIterator[tuple[Client, Services]]:
    """The app served as in production (a crash is a 500 page), open for sign-ups, with alice
    and one tagged picture of hers."""
    settings = load_settings(config_path)
    settings.instance.registrations = "open"
    app = create_app(settings, workers=False)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    async def crash() -> str:
        raise RuntimeError("a bug")

    async with app.test_app() as test_app:
        svc: Services = app.config["IMPASTO_SERVICES"]
        await create_user(svc, "alice", display_name="Alice")
        await auth.set_password(svc, "alice", PASSWORD)
        yield test_app.test_client(), svc


def problems(path: str, response: Any) -> list[str]:
    """What is missing or too loose in one response's security headers."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    found = []
    # Scripts from ourselves only, or (a picture's policy) none at all.
    scripts = "script-src 'self'" in policy or (
        "default-src 'none'" in policy and "script-src" not in policy
    )
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy or not scripts:
        found.append(f"{path}: script policy {policy!r}")
    if "frame-ancestors 'none'" not in policy:
        found.append(f"{path}: framing allowed by {policy!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        found.append(f"{path}: no nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        found.append(f"{path}: Referrer-Policy {headers.get('Referrer-Policy')!r}")
    return found


async def test_every_page_error_and_file_carries_the_security_headers(
    site: tuple[Client, Services],
) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse", caption="#harbour"))
    async with svc.sessions.begin() as session:
        picture = await session.scalar(
            select(MediaAttachment.file_name).where(MediaAttachment.post_id == post.id)
        )
    expected = {
        "/": 200,
        "/about": 200,
        "/@alice": 200,
        f"/@alice/{post.id}": 200,
        "/tags/harbour": 200,
        "/auth/sign_in": 200,
        "/auth/sign_up": 200,
        f"/media/{picture}": 200,
        "/media/nothing.png": 404,
        "/static/impasto.css": 200,
        "/favicon.ico": 200,
        "/nothing/here": 404,
        "/crash": 500,
        "/api/v1/instance": 200,
    }
    seen: list[str] = []
    for path, status in expected.items():
        response = await http.get(path, headers={"Accept": BROWSER})
        assert response.status_code == status, path
        seen += problems(path, response)

    forged = await http.post("/auth/sign_in", form={"csrf_token": "forged", "username": "alice"})
    assert forged.status_code == 403
    seen += problems("403 sign-in", forged)
    for _ in range(auth.ACCOUNT_LIMIT + 1):
        throttled = await sign_in(http, "nobody", "wrong password")
    assert throttled.status_code == 429
    seen += problems("429 sign-in", throttled)

    assert (await sign_in(http)).status_code == 303
    app = await register_app(http)
    query = f"client_id={app['client_id']}&redirect_uri={app['redirect_uris'][0]}"
    for path in (f"/oauth/authorize?{query}&response_type=code&scope=read", "/settings/password"):
        response = await http.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 200, path
        seen += problems(path, response)
    assert "Authorize" in await page(http, f"/oauth/authorize?{query}&response_type=code")
    assert seen == []
