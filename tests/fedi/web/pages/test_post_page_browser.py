"""Two people on one running server act on a post from its page in headless Chromium
(Debian's, driven by Playwright) with the strict CSP in force: alice and bob like it, bob
boosts it and replies, and the counts and the thread show it. Screenshots of the page with its
thread at desktop and phone widths go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.databases import backends
from tests.support.live import Live, start_live
from tests.support.oauth import PASSWORD
from tests.support.servers import run_cli

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[4] / "test-artifacts" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (.ci/run installs it)",
)


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module, with alice and bob."""
    for found in start_live(request, tmp_path_factory.mktemp("post_page")):
        run_cli(found.config, "user", "create", "bob", "--password", PASSWORD)
        yield found


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _sign_in(browser: Any, live: Live, username: str, watch: Any) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch(page)
    page.goto(f"{live.base}/auth/sign_in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def test_two_people_like_boost_and_reply_from_the_post_page(
    live: Live, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import sync_playwright

    url = run_cli(live.config, "post", "alice", "a lighthouse on a cliff at sunset").strip()
    path = urlsplit(url).path
    origin = urlsplit(live.base).netloc
    elsewhere: list[str] = []
    problems: list[str] = []

    def watch(page: Any) -> None:
        def request_seen(r: Any) -> None:
            parts = urlsplit(r.url)
            if parts.scheme in {"http", "https"} and parts.netloc != origin:
                elsewhere.append(r.url)

        page.on("request", request_seen)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            alice = _sign_in(browser, live, "alice", watch)
            alice.goto(f"{live.base}{path}")
            alice.get_by_role("button", name="Like", exact=True).click()
            alice.get_by_role("button", name="Liked ★ (undo)").wait_for()

            bob = _sign_in(browser, live, "bob", watch)
            bob.goto(f"{live.base}{path}")
            bob.get_by_role("button", name="Like", exact=True).click()
            bob.get_by_role("button", name="Boost", exact=True).click()
            bob.get_by_role("button", name="Boosted ↻ (undo)").wait_for()
            bob.get_by_label("Your reply").fill("The light is perfect, @alice")
            bob.get_by_role("button", name="Reply", exact=True).click()
            replies = bob.get_by_role("region", name="Replies")
            replies.get_by_text("The light is perfect").wait_for()
            assert bob.locator("strong.likes").inner_text() == "2"
            assert bob.locator("strong.boosts").inner_text() == "1"
            assert bob.locator("strong.replies").inner_text() == "1"
            # Keyboard: the reply box is reached and sent without a mouse.
            bob.get_by_label("Your reply").focus()
            bob.keyboard.type("And the sea too")
            bob.get_by_role("button", name="Reply", exact=True).focus()
            bob.keyboard.press("Enter")
            replies.get_by_text("And the sea too").wait_for()

            alice.reload()
            assert alice.locator("strong.likes").inner_text() == "2"
            thread = alice.get_by_role("region", name="Replies")
            assert thread.get_by_text("The light is perfect").is_visible()
            assert thread.get_by_role("link", name="bob").first.is_visible()
            if request.node.callspec.params.get("live", "sqlite") == "sqlite":
                _shoot(alice, "post_thread")
            # The reply's own page: the post it answers above it.
            thread.get_by_role("link", name="UTC").first.click()
            earlier = alice.get_by_role("region", name="Earlier in the thread")
            earlier.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").wait_for()
            assert "The light is perfect" in alice.locator("article.post").inner_text()
            if request.node.callspec.params.get("live", "sqlite") == "sqlite":
                _shoot(alice, "post_reply")
        finally:
            browser.close()
    assert elsewhere == []
    assert [p for p in problems if "Content Security Policy" in p] == []
