"""Two people on one running server act on a post from its page in headless Chromium
(Debian's, driven by Playwright) with the strict CSP in force: alice and bob like it, bob
boosts it and replies, and the counts and the thread show it. Screenshots of the page with its
thread at desktop and phone widths go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.support.browser import (
    Watcher,
    chromium,
    needs_chromium,
    screenshots_wanted,
    shoot,
    sign_in,
)
from tests.support.databases import backends
from tests.support.live import Live, start_live
from tests.support.oauth import PASSWORD
from tests.support.servers import run_cli

pytestmark = needs_chromium


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module, with alice and bob."""
    for found in start_live(request, tmp_path_factory.mktemp("post_page")):
        run_cli(found.config, "user", "create", "bob", "--password", PASSWORD)
        yield found


def test_two_people_like_boost_and_reply_from_the_post_page(
    live: Live, request: pytest.FixtureRequest
) -> None:
    url = run_cli(live.config, "post", "alice", "a lighthouse on a cliff at sunset").strip()
    path = urlsplit(url).path
    shots = screenshots_wanted(request)
    watcher = Watcher(live.base)
    with chromium() as browser:
        alice = watcher.page(browser)
        sign_in(alice, "alice", base=live.base)
        alice.wait_for_load_state()
        alice.goto(f"{live.base}{path}")
        alice.get_by_role("button", name="Like", exact=True).click()
        alice.get_by_role("button", name="Liked ★ (undo)").wait_for()

        bob = watcher.page(browser)
        sign_in(bob, "bob", base=live.base)
        bob.wait_for_load_state()
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
        if shots:
            shoot(alice, "post_thread")
        # The reply's own page: the post it answers above it.
        thread.get_by_role("link", name="UTC").first.click()
        earlier = alice.get_by_role("region", name="Earlier in the thread")
        earlier.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").wait_for()
        assert "The light is perfect" in alice.locator("article.post").inner_text()
        if shots:
            shoot(alice, "post_reply")
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []
