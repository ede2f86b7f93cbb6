"""Headless Chromium (Debian's, driven by Playwright) signs in and authorises an app on the
real pages of a running server, with the strict CSP in force, and saves screenshots of the
sign-in and consent pages, and of the pages a visitor reads (front, about, post), at desktop
and phone widths into test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tests.support.browser import (
    Watcher,
    chromium,
    needs_chromium,
    screenshots_wanted,
    shoot,
    sign_in,
)
from tests.support.databases import backends
from tests.support.live import Live, authorize_url, start_live
from tests.support.servers import run_cli

CALLBACK = (
    "https://phanpy.example/callback"  # never reached: the browser's request is answered here
)

pytestmark = needs_chromium


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module."""
    yield from start_live(request, tmp_path_factory.mktemp("browser"))


def test_sign_in_and_authorise_an_app_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    app = requests.post(
        f"{live.base}/api/v1/apps",
        json={
            "client_name": "Phanpy",
            "redirect_uris": [CALLBACK],
            "scopes": "read write",
            "website": "https://phanpy.example",
        },
        timeout=10,
    ).json()
    authorize, verifier = authorize_url(
        live.base, app["client_id"], CALLBACK, "read write", state="st8"
    )
    shots = screenshots_wanted(request)
    callbacks: list[str] = []
    watcher = Watcher(live.base)
    with chromium() as browser:
        page = watcher.page(browser)

        def answer_callback(route: object) -> None:
            callbacks.append(route.request.url)  # type: ignore[attr-defined]
            route.fulfill(status=200, body="back in the app", content_type="text/plain")  # type: ignore[attr-defined]

        page.route(f"{CALLBACK}**", answer_callback)
        page.goto(authorize)
        assert urlsplit(page.url).path == "/auth/sign_in"
        if shots:
            shoot(page, "sign_in")
        sign_in(page, "alice", password="wrong password")
        assert "Wrong username or password" in page.content()
        if shots:
            shoot(page, "sign_in_error")
        sign_in(page, "alice")
        page.get_by_role("heading", name="Authorize Phanpy?").wait_for()
        if shots:
            shoot(page, "consent")
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
        assert cookies["impasto_session"]["httpOnly"] is True
        assert cookies["impasto_session"]["sameSite"] == "Lax"
        with page.expect_response(lambda r: r.url.startswith(CALLBACK)):
            page.get_by_role("button", name="Authorize").click()
    # The strict CSP refused nothing: no inline script, and the form went on to the client.
    assert watcher.refused_by_csp() == []
    answer = dict(parse_qsl(urlsplit(callbacks[0]).query))
    assert answer["state"] == "st8"
    token = requests.post(
        f"{live.base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": CALLBACK,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    me = requests.get(
        f"{live.base}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    assert me["username"] == "alice"


def test_a_visitor_reads_the_front_about_profile_and_post_pages(
    live: Live, request: pytest.FixtureRequest
) -> None:
    run_cli(live.config, "post", "alice", "a lighthouse on a cliff at sunset")
    run_cli(live.config, "post", "alice", "a red fox in the snow", "--cw", "bright colours")
    shots = screenshots_wanted(request)
    watcher = Watcher(live.base)
    with chromium() as browser:
        page = watcher.page(browser)
        page.goto(f"{live.base}/")
        pictures = page.get_by_role("region", name="Latest pictures")
        lighthouse = pictures.get_by_alt_text("AI-generated image of: a lighthouse on a cliff")
        lighthouse.wait_for()
        # The content-warned picture is blurred behind its warning until opened.
        assert pictures.get_by_text("bright colours").is_visible()
        assert not pictures.get_by_alt_text("AI-generated image of: a red fox").is_visible()
        if shots:
            shoot(page, "front")
        page.get_by_role("link", name="About this server").first.click()
        page.get_by_role("heading", name="How the pictures are made, and labelled").wait_for()
        if shots:
            shoot(page, "about")
        page.goto(f"{live.base}/@alice")
        page.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").click()
        page.get_by_text("a lighthouse on a cliff at sunset").first.wait_for()
        if shots:
            shoot(page, "post")
    assert watcher.elsewhere == []
