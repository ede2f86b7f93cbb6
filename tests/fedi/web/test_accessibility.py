"""axe-core finds no serious or critical accessibility problem on any page a person can open
today, at desktop and phone widths, signed in where the page needs it; the screenshots of
each are kept in test-artifacts/screenshots/accessibility-<page>-<width>.png. A keyboard alone
opens a content warning and signs in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.accessibility import axe_context, serious_violations
from tests.support.browser import DESKTOP, SIZES, Watcher, chromium, needs_chromium, shot, sign_in
from tests.support.databases import backends
from tests.support.live import OOB, Live, authorize_url, start_live
from tests.support.oauth import PASSWORD
from tests.support.servers import run_cli

pytestmark = needs_chromium


@dataclass
class Scene:
    """The running server, its pictures, and a browser open on it."""

    live: Live
    paths: dict[str, str]
    backend: str
    browser: Any


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Live, str]]:
    """One server for the module, open for sign-ups, and its database backend."""
    tmp = tmp_path_factory.mktemp("a11y")
    for server in start_live(request, tmp, instance={"registrations": "open"}):
        yield server, request.param


def _path(url: str) -> str:
    return urlsplit(url.strip()).path


def _authorize_path(base: str) -> str:
    app = requests.post(
        f"{base}/api/v1/apps",
        json={"client_name": "Phanpy", "redirect_uris": OOB},
        timeout=10,
    ).json()
    url, _ = authorize_url(base, app["client_id"], OOB, "read")
    return url.removeprefix(base)


@pytest.fixture(scope="module")
def scene(live: tuple[Live, str]) -> Iterator[Scene]:
    """A plain and a content-warned picture (both tagged), and one Chromium for the module."""
    server, backend = live
    run_cli(server.config, "user", "admin", "alice")  # so the admin pages are checked too
    plain = run_cli(
        server.config, "post", "alice", "a lighthouse on a cliff", "--caption", "Dusk #harbour"
    )
    warned = run_cli(
        server.config,
        "post",
        "alice",
        "a red fox",
        "--cw",
        "bright colours",
        "--caption",
        "#harbour",
    )
    paths = {
        "front": "/",
        "about": "/about",
        "profile": "/@alice",
        "post": _path(plain),
        "post_warned": _path(warned),
        "tag": "/tags/harbour",
        "sign_in": "/auth/sign_in",
        "sign_up": "/auth/sign_up",
        "not_found": "/nothing/here",
        "consent": _authorize_path(server.base),
        "password": "/settings/password",
        "home": "/home",
        "local": "/local",
        "federated": "/federated",
        "notifications": "/notifications",
        "search": "/search?q=harbour",
        "compose": "/compose",
        "upload": "/compose/upload",
        "settings": "/settings/profile",
        "follow_requests": "/settings/follow_requests",
        "blocks": "/settings/blocks",
        "export": "/settings/export",
        "delete": "/settings/delete",
        "admin": "/admin",
        "admin_users": "/admin/users",
        "admin_invites": "/admin/invites",
        "admin_domain_blocks": "/admin/domain_blocks",
        "admin_instance": "/admin/instance",
        "admin_deliveries": "/admin/deliveries",
    }
    with chromium() as browser:
        yield Scene(server, paths, backend, browser)


PEOPLE_PAGES = ["home", "notifications", "compose", "upload", "settings", "follow_requests"]
PEOPLE_PAGES += ["blocks", "export", "delete", "admin", "admin_users", "admin_invites"]
PEOPLE_PAGES += ["admin_domain_blocks", "admin_instance", "admin_deliveries"]
SIGNED_IN = {"consent", "password", *PEOPLE_PAGES}


@pytest.mark.parametrize(
    "name",
    [
        "front",
        "about",
        "profile",
        "post",
        "post_warned",
        "tag",
        "sign_in",
        "sign_up",
        "not_found",
        "consent",
        "password",
        "front_signed_in",
        "local",
        "federated",
        "search",
        "post_signed_in",
        *PEOPLE_PAGES,
    ],
)
def test_no_serious_accessibility_violation(scene: Scene, name: str) -> None:
    signed_in = name in SIGNED_IN or name.endswith("_signed_in")
    path = scene.paths[name.removesuffix("_signed_in")]
    watcher = Watcher(scene.live.base)
    context = axe_context(scene.browser, viewport=DESKTOP)
    try:
        page = watcher.watch(context.new_page())
        if signed_in:
            sign_in(page, "alice", base=scene.live.base)
            page.wait_for_url(f"{scene.live.base}/")
        response = page.goto(f"{scene.live.base}{path}")
        # The real server sends the strict policy that axe's context alone bypasses.
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        found: dict[str, list[str]] = {}
        for width, (x, y) in SIZES.items():
            page.set_viewport_size({"width": x, "height": y})
            found[width] = [str(v) for v in serious_violations(page)]
            if scene.backend == "sqlite":
                shot(page, f"accessibility-{name}", width)
        # What a content warning hides is checked too, once opened.
        for details in page.locator("details").all():
            details.locator("summary").first.click()
        found["opened"] = [str(v) for v in serious_violations(page)]
    finally:
        context.close()
    assert found == {"desktop": [], "phone": [], "opened": []}
    assert watcher.elsewhere == []


def _tab_to(page: Any, test: str, limit: int = 40) -> None:
    """Press Tab from where focus is until `test` (a JS expression on the focused element
    `e`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return {test}; }}"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_a_keyboard_opens_a_content_warning_and_signs_in(scene: Scene) -> None:
    base = scene.live.base
    context = scene.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{base}{scene.paths['post_warned']}")
        fox = page.get_by_alt_text("AI-generated image of: a red fox")
        assert not fox.is_visible()
        _tab_to(page, "e.tagName === 'SUMMARY'")
        page.keyboard.press("Enter")
        fox.wait_for()

        page.goto(f"{base}/auth/sign_in")
        _tab_to(page, "e.name === 'username'")
        page.keyboard.type("alice")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.name") == "password"
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Sign out").wait_for()
    finally:
        context.close()
