"""Headless Chromium (Debian's, driven by Playwright) signs in and authorises an app on the
real pages of a running server, with the strict CSP in force, and saves screenshots of the
sign-in and consent pages, and of the pages a visitor reads (front, about, post), at desktop
and phone widths into test-artifacts/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests

from tests.support.databases import backends
from tests.support.live import Live, start_live
from tests.support.oauth import PASSWORD, pkce
from tests.support.servers import run_cli

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
CALLBACK = (
    "https://phanpy.example/callback"  # never reached: the browser's request is answered here
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (.ci/run installs it)",
)


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module."""
    yield from start_live(request, tmp_path_factory.mktemp("browser"))


def shoot(page: object, name: str) -> None:
    """Screenshots of the current page at both widths."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 800})  # type: ignore[attr-defined]


def test_sign_in_and_authorise_an_app_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import sync_playwright

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
    verifier, challenge = pkce()
    query = {
        "client_id": app["client_id"],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "read write",
        "state": "st8",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    backend = request.node.callspec.params.get("live", "sqlite")
    callbacks: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on(
                "console", lambda msg: problems.append(msg.text) if msg.type == "error" else None
            )
            page.on("pageerror", lambda exc: problems.append(str(exc)))

            def answer_callback(route: object) -> None:
                callbacks.append(route.request.url)  # type: ignore[attr-defined]
                route.fulfill(status=200, body="back in the app", content_type="text/plain")  # type: ignore[attr-defined]

            page.route(f"{CALLBACK}**", answer_callback)
            page.goto(f"{live.base}/oauth/authorize?{urlencode(query)}")
            assert urlsplit(page.url).path == "/auth/sign_in"
            if backend == "sqlite":
                shoot(page, "sign_in")
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill("wrong password")
            page.get_by_role("button", name="Sign in").click()
            assert "Wrong username or password" in page.content()
            if backend == "sqlite":
                shoot(page, "sign_in_error")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Authorize Phanpy?").wait_for()
            if backend == "sqlite":
                shoot(page, "consent")
            cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
            assert cookies["impasto_session"]["httpOnly"] is True
            assert cookies["impasto_session"]["sameSite"] == "Lax"
            with page.expect_response(lambda r: r.url.startswith(CALLBACK)):
                page.get_by_role("button", name="Authorize").click()
        finally:
            browser.close()
    # The strict CSP refused nothing: no inline script, and the form went on to the client.
    assert [p for p in problems if "Content Security Policy" in p] == []
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
    from playwright.sync_api import sync_playwright

    run_cli(live.config, "post", "alice", "a lighthouse on a cliff at sunset")
    run_cli(live.config, "post", "alice", "a red fox in the snow", "--cw", "bright colours")
    backend = request.node.callspec.params.get("live", "sqlite")
    origin = urlsplit(live.base).netloc
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on(
                "request",
                lambda r: (
                    elsewhere.append(r.url)
                    if urlsplit(r.url).scheme in {"http", "https"}
                    and urlsplit(r.url).netloc != origin
                    else None
                ),
            )
            page.goto(f"{live.base}/")
            pictures = page.get_by_role("region", name="Latest pictures")
            lighthouse = pictures.get_by_alt_text("AI-generated image of: a lighthouse on a cliff")
            lighthouse.wait_for()
            # The content-warned picture is blurred behind its warning until opened.
            assert pictures.get_by_text("bright colours").is_visible()
            assert not pictures.get_by_alt_text("AI-generated image of: a red fox").is_visible()
            if backend == "sqlite":
                shoot(page, "front")
            page.get_by_role("link", name="About this server").first.click()
            page.get_by_role("heading", name="How the pictures are made, and labelled").wait_for()
            if backend == "sqlite":
                shoot(page, "about")
            page.goto(f"{live.base}/@alice")
            page.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").click()
            page.get_by_text("a lighthouse on a cliff at sunset").first.wait_for()
            if backend == "sqlite":
                shoot(page, "post")
        finally:
            browser.close()
    assert elsewhere == []
