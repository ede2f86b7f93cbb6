"""Headless Chromium (Debian's, driven by Playwright) on a running server open for sign-ups,
with the strict CSP in force and no request to another host: a newcomer, ada, signs up on the
real form and lands signed in; bob follows her from her profile, likes, boosts and answers her
post from its page; ada reads all four on /notifications and opens the reply. A visitor whose
browser runs no JavaScript reads a profile, a post and a tag page, and opens a sensitive
picture. Screenshots at desktop and phone widths go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import (
    Watcher,
    chromium,
    needs_chromium,
    off_loop,
    screenshots_wanted,
    shoot,
    sign_in,
)
from tests.support.databases import backends
from tests.support.live import Live, start_live
from tests.support.oauth import PASSWORD
from tests.support.servers import run_cli

pytestmark = needs_chromium

HARBOUR = "AI-generated image of: a harbour at dawn"
LIGHTHOUSE = "AI-generated image of: a lighthouse on a cliff at sunset"
FOX = "AI-generated image of: a red fox in the snow"


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module, open for sign-ups, with alice and bob (display name Bob)."""
    tmp = tmp_path_factory.mktemp("social")
    for started in start_live(request, tmp, instance={"registrations": "open"}):
        bob = ("bob", "--password", PASSWORD, "--display-name", "Bob")
        run_cli(started.config, "user", "create", *bob)
        yield started


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    """One Chromium for the module's tests (started once the server runs)."""
    with chromium() as browser:
        yield browser


def test_a_newcomer_signs_up_and_is_told_of_a_follow_like_boost_and_reply(
    live: Live, browser: Any, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    shots = screenshots_wanted(request)
    watcher = Watcher(live.base)
    ada = watcher.page(browser)
    bob = watcher.page(browser)
    try:
        ada.goto(f"{live.base}/")
        ada.get_by_role("link", name="Sign up").click()
        ada.get_by_role("heading", name="Sign up").wait_for()
        ada.get_by_label("Username").fill("ada")
        ada.get_by_label("Password", exact=True).fill(PASSWORD)
        ada.get_by_label("Password again").fill(PASSWORD)
        if shots:
            shoot(ada, "sign_up")
        ada.get_by_role("button", name="Sign up").click()
        ada.wait_for_url(f"{live.base}/@ada")
        account = ada.get_by_role("navigation", name="Account")
        expect(account.get_by_role("link", name="@ada")).to_be_visible()
        expect(account.get_by_role("button", name="Sign out")).to_be_visible()
        off_loop(run_cli, live.config, "post", "ada", "a harbour at dawn")

        sign_in(bob, "bob", base=live.base)
        bob.get_by_role("button", name="Sign out").wait_for()
        bob.goto(f"{live.base}/@ada")
        bob.get_by_role("button", name="Follow").click()
        expect(bob.get_by_role("button", name="Unfollow")).to_be_visible()
        bob.get_by_role("region", name="Pictures").get_by_alt_text(HARBOUR).click()
        bob.get_by_role("button", name="Like", exact=True).click()
        bob.get_by_role("button", name="Liked ★ (undo)").wait_for()
        bob.get_by_role("button", name="Boost", exact=True).click()
        bob.get_by_role("button", name="Boosted ↻ (undo)").wait_for()
        bob.get_by_label("Your reply").fill("Up before the gulls!")
        bob.get_by_role("button", name="Reply", exact=True).click()
        bob.get_by_role("region", name="Replies").get_by_text("Up before the gulls!").wait_for()

        ada.goto(f"{live.base}/notifications")
        notices = ada.get_by_role("list", name="Notifications").get_by_role("listitem")
        expect(notices).to_have_count(4)
        for what in ("followed you", "liked your post", "boosted your post"):
            expect(notices.filter(has_text=what)).to_contain_text("Bob @bob")
        # The web's reply box starts with "@ada" (as Mastodon's does): the reply mentions her,
        # and she is told of one reply (the rule fedi.domain.posting._notify follows).
        reply = notices.filter(has_text="replied to your post")
        expect(reply).to_contain_text("Bob @bob")
        if shots:
            shoot(ada, "notifications")
        reply.get_by_role("link", name="Up before the gulls!").click()
        earlier = ada.get_by_role("region", name="Earlier in the thread")
        expect(earlier.get_by_alt_text(HARBOUR)).to_be_visible()
    finally:
        ada.context.close()
        bob.context.close()
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []


def test_a_visitor_without_javascript_reads_profile_post_and_tag_pages(
    live: Live, browser: Any, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    shots = screenshots_wanted(request)
    caption = "Dusk by the #harbour"
    lighthouse = "a lighthouse on a cliff at sunset"
    off_loop(run_cli, live.config, "post", "alice", lighthouse, "--caption", caption)
    fox = ("a red fox in the snow", "--sensitive", "--caption", "#harbour")
    off_loop(run_cli, live.config, "post", "alice", *fox)
    watcher = Watcher(live.base)
    page = watcher.page(browser, java_script_enabled=False)
    try:
        page.goto(f"{live.base}/@alice")
        pictures = page.get_by_role("region", name="Pictures")
        expect(pictures.get_by_alt_text(LIGHTHOUSE)).to_be_visible()
        if shots:
            shoot(page, "nojs_profile")  # the fox still behind its warning
        _opens_without_script(pictures)

        pictures.get_by_alt_text(LIGHTHOUSE).click()
        post = page.locator("article.post")
        expect(post.get_by_alt_text(LIGHTHOUSE)).to_be_visible()
        expect(post.locator("dl.provenance dt:text-is('Prompt') + dd")).to_have_text(lighthouse)
        expect(post.locator(".caption")).to_have_text(caption)
        if shots:
            shoot(page, "nojs_post")

        post.locator(".caption").get_by_role("link", name="#harbour").click()
        page.get_by_role("heading", name="#harbour").wait_for()
        assert page.url == f"{live.base}/tags/harbour"
        expect(page.get_by_alt_text(LIGHTHOUSE)).to_be_visible()
        _opens_without_script(page.locator("section.grid"))
        if shots:
            shoot(page, "nojs_tag")

        page.get_by_alt_text(FOX).click()  # the opened picture leads to its post
        expect(page.get_by_alt_text(FOX)).not_to_be_visible()
        _opens_without_script(page.locator("article.post"))
        if shots:
            shoot(page, "nojs_post_sensitive")
    finally:
        page.context.close()
    assert watcher.elsewhere == []


def _opens_without_script(where: Any) -> None:
    """The sensitive fox behind its warning in `where`: hidden, then shown once the warning
    is clicked (a <details>, which needs no script)."""
    from playwright.sync_api import expect

    expect(where.get_by_text("Sensitive content")).to_be_visible()
    expect(where.get_by_alt_text(FOX)).not_to_be_visible()
    where.get_by_text("Sensitive content").click()
    expect(where.get_by_alt_text(FOX)).to_be_visible()
