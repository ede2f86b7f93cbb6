"""Headless Chromium (Debian's, driven by Playwright) reads the reading pages of two running
servers, with the strict CSP in force: alice on A reads /local, finds @bob@B with /search,
follows him from his page on A, is told of his newer post by timeline.js on /home, and reads
her notifications; bob's reply from B shows in the thread of alice's post on A. Screenshots at
desktop and phone widths go to test-artifacts/screenshots/; no request leaves A (B's pictures
are not loaded from B: bob's avatar is A's copy of it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.browser import (
    Watcher,
    chromium,
    needs_chromium,
    off_loop,
    reload_until,
    screenshots_wanted,
    shoot,
    sign_in,
)
from tests.support.databases import DatabaseFactory, backends
from tests.support.oauth import PASSWORD
from tests.support.servers import Server, free_port, run_cli, write_config

pytestmark = needs_chromium


@dataclass
class Site:
    """A running server and its config."""

    server: Server
    config: Path

    @property
    def base(self) -> str:
        """Base URL."""
        return self.server.base

    @property
    def host(self) -> str:
        """host:port, as in a handle."""
        return urlsplit(self.base).netloc


def cli(config: Path, *args: str) -> str:
    """`impasto ...` in a thread of its own (Playwright's sync API holds this one's loop)."""
    return off_loop(run_cli, config, *args)


def _start(factory: DatabaseFactory, tmp: Path, user: str, name: str) -> Site:
    port = free_port()
    config = write_config(tmp / f"{user}.toml", port=port, database_url=factory.new_url())
    run_cli(config, "init")
    run_cli(config, "user", "create", user, "--password", PASSWORD, "--display-name", name)
    return Site(Server(config, port, tmp / f"{user}.log").start(), config)


@pytest.fixture(scope="module", params=backends())
def sites(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, Site]]:
    """alice's server A and bob's server B, for the module."""
    tmp = tmp_path_factory.mktemp("reading")
    factory = DatabaseFactory(request.param, tmp)
    a = _start(factory, tmp, "alice", "Alice")
    try:
        b = _start(factory, tmp, "bob", "Bob")
        try:
            yield a, b
        finally:
            b.server.stop()
    finally:
        a.server.stop()
        factory.drop_all()


@pytest.fixture(scope="module")
def browser(sites: tuple[Site, Site]) -> Iterator[Any]:
    """One Chromium for the module's tests (started once the servers run)."""
    with chromium() as browser:
        yield browser


def test_alice_reads_finds_follows_and_is_told_of_new_posts(
    sites: tuple[Site, Site], browser: Any, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    a, b = sites
    shots = screenshots_wanted(request)
    lighthouse = cli(a.config, "post", "alice", "a lighthouse on a cliff at sunset").strip()
    cli(a.config, "post", "alice", "a red fox in the snow", "--cw", "bright colours")
    handle = f"bob@{b.host}"
    watcher = Watcher(a.base)
    page = watcher.page(browser)
    try:
        sign_in(page, "alice", base=a.base)
        page.get_by_role("button", name="Sign out").wait_for()

        page.goto(f"{a.base}/local")
        feed = page.get_by_role("region", name="Local: pictures made here")
        feed.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").wait_for()
        assert feed.get_by_text("bright colours").is_visible()
        assert not feed.get_by_alt_text("AI-generated image of: a red fox").is_visible()
        if shots:
            shoot(page, "reading_local")

        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_label("Name").fill(f"@{handle}")
        page.get_by_role("button", name="Search").click()
        accounts = page.get_by_role("region", name="Accounts")
        accounts.get_by_role("link", name=f"Bob @{handle}").wait_for()
        if shots:
            shoot(page, "reading_search")
        accounts.get_by_role("link", name=f"Bob @{handle}").click()
        page.get_by_role("heading", name="Bob").wait_for()
        page.get_by_role("button", name="Follow").click()
        reload_until(page, page.get_by_role("button", name="Unfollow"), 100)  # B's Accept
        expect(page.get_by_role("button", name="Unfollow")).to_be_visible()

        cli(b.config, "post", "bob", "a fox asleep in the snow")
        page.goto(f"{a.base}/home")
        reload_until(page, page.get_by_text("Prompt: a fox asleep in the snow"))
        expect(page.get_by_text("Prompt: a fox asleep in the snow")).to_be_visible()
        # A newer post is announced without reloading (timeline.js polls A).
        cli(b.config, "post", "bob", "a boat at dawn")
        notice = page.get_by_role("link", name="1 new post — show")
        notice.wait_for(timeout=40_000)
        if shots:
            shoot(page, "reading_home")
        notice.click()
        expect(page.get_by_text("Prompt: a boat at dawn")).to_be_visible()

        page.goto(f"{a.base}/@{handle}")
        expect(page.get_by_text("Prompt: a boat at dawn")).to_be_visible()
        # Bob's avatar, as A copied it from B: served by A, and shown.
        avatar = page.locator("section.profile img.avatar")
        reload_until(page, avatar)
        assert str(avatar.get_attribute("src")).startswith(f"{a.base}/media/")
        assert avatar.evaluate("img => img.complete && img.naturalWidth") > 0
        if shots:
            shoot(page, "reading_remote_profile")

        cli(b.config, "follow", "bob", f"alice@{a.host}")
        cli(b.config, "like", "bob", lighthouse)
        page.goto(f"{a.base}/notifications")
        reload_until(page, page.get_by_text("liked your post"))
        expect(page.get_by_text("liked your post")).to_be_visible()
        expect(page.get_by_text("followed you")).to_be_visible()
        if shots:
            shoot(page, "reading_notifications")
    finally:
        page.context.close()
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []


def test_a_reply_from_the_other_server_shows_in_the_thread(
    sites: tuple[Site, Site], browser: Any, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    a, b = sites
    url = cli(a.config, "post", "alice", "a harbour at night").strip()
    # bob, on B, answers it: B fetches the post from A and delivers the reply to A's inbox.
    cli(b.config, "reply", "bob", url, "gulls asleep on a mast", "--caption", "Quiet tonight")
    watcher = Watcher(a.base)
    page = watcher.page(browser)  # a visitor, signed in nowhere
    try:
        page.goto(url)
        replies = page.get_by_role("region", name="Replies")
        reload_until(page, replies.get_by_text("Quiet tonight"))
        expect(replies.get_by_text("Quiet tonight")).to_be_visible()
        expect(replies.locator(".byline")).to_contain_text(f"Bob @bob@{b.host}")
        expect(page.get_by_role("heading", name="Replies (1)")).to_be_visible()
        if screenshots_wanted(request):
            shoot(page, "reading_federated_reply")
    finally:
        page.context.close()
    # B's picture is not loaded from B.
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []
