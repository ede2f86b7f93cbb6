"""Headless Chromium (Debian's, driven by Playwright) goes through the settings pages of a
running server as alice: changes her profile with an uploaded avatar and header, sees it on
her profile page (header, linked bio and fields), approves bob's follow
request, blocks him from his profile and sees him in the list, downloads the export and is
refused deletion with a wrong password; with the strict CSP in force, no request to another
host, and screenshots of each page at desktop and phone widths."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

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


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module."""
    yield from start_live(request, tmp_path_factory.mktemp("settings-browser"))


def look(page: Any, name: str, screenshots: bool) -> None:
    """The page fits a phone's width (nothing to scroll sideways); its screenshots."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 800})
    if screenshots:
        shoot(page, name)


def test_the_settings_pages_in_chromium(
    live: Live, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    run_cli(live.config, "user", "create", "bob", "--password", PASSWORD)
    run_cli(live.config, "post", "alice", "a lighthouse on a cliff at sunset")
    avatar = tmp_path / "avatar.png"
    Image.new("RGB", (300, 300), "teal").save(avatar)
    header = tmp_path / "header.png"
    Image.new("RGB", (1200, 400), "coral").save(header)
    screenshots = screenshots_wanted(request)
    watcher = Watcher(live.base)
    with chromium() as browser:
        page = watcher.page(browser)
        page.goto(f"{live.base}/settings/profile")
        sign_in(page, "alice")
        page.get_by_role("heading", name="Your profile").wait_for()

        page.get_by_label("Display name").fill("Alice the Painter")
        page.get_by_label("Bio").fill("I paint #lighthouses.\nAnd foxes, sometimes.")
        page.get_by_label("Profile picture (upload)").set_input_files(str(avatar))
        page.get_by_label("Header picture (upload)").set_input_files(str(header))
        page.get_by_label("Approve followers by hand").check()
        page.get_by_label("Label 1").fill("Site")
        page.get_by_label("Content 1").fill("https://alice.example")
        page.get_by_role("button", name="Save profile").click()
        page.get_by_text("Your profile was saved.").wait_for()
        assert page.get_by_label("Approve followers by hand").is_checked()
        assert page.get_by_alt_text("Your current profile picture").is_visible()
        look(page, "settings_profile", screenshots)
        page.goto(f"{live.base}/@alice")
        assert page.get_by_alt_text("Header picture of Alice the Painter").is_visible()
        assert page.get_by_role("link", name="#lighthouses").is_visible()
        assert page.get_by_role("definition").get_by_role("link").inner_text() == (
            "https://alice.example"
        )
        look(page, "profile_own", screenshots)
        page.goto(f"{live.base}/settings/profile")

        # Playwright's loop runs in this thread; the CLI runs its own in another.
        off_loop(run_cli, live.config, "follow", "bob", "alice")
        page.get_by_role("navigation", name="Settings").get_by_role(
            "link", name="Follow requests"
        ).click()
        page.get_by_role("heading", name="Follow requests").wait_for()
        look(page, "settings_follow_requests", screenshots)
        page.get_by_role("button", name="Approve @bob@").click()
        page.get_by_text("No one is waiting.").wait_for()

        page.goto(f"{live.base}/@bob")
        page.get_by_role("button", name="Block").click()
        page.get_by_role("button", name="Unblock").wait_for()
        look(page, "profile_blocked", screenshots)
        page.goto(f"{live.base}/settings/blocks")
        page.get_by_role("button", name="Unblock @bob@").wait_for()
        look(page, "settings_blocks", screenshots)

        page.get_by_role("link", name="Password").click()
        page.get_by_role("heading", name="Change your password").wait_for()
        look(page, "settings_password", screenshots)

        page.get_by_role("link", name="Export").click()
        with page.expect_download() as downloading:
            page.get_by_role("button", name="Download the zip").click()
        saved = tmp_path / "export.zip"
        downloading.value.save_as(saved)
        with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
            assert "outbox.json" in archive.namelist()
            assert any(name.startswith("media/") for name in archive.namelist())
        look(page, "settings_export", screenshots)

        page.get_by_role("link", name="Delete account").click()
        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Delete my account for good").click()
        page.get_by_text("The password is wrong").wait_for()
        look(page, "settings_delete", screenshots)
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []
    # The wrong password deleted nothing: her changed profile is still there.
    profile = requests.get(f"{live.base}/@alice", timeout=10)
    assert profile.status_code == 200 and "Alice the Painter" in profile.text
