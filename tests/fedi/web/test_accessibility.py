"""axe-core finds no serious or critical accessibility problem on any page a person can open
today, at desktop and phone widths, signed in where the page needs it (a remote account's
profile, a painting's progress and preview, the 403 and 429 pages among them); the screenshots
of each are kept in test-artifacts/screenshots/accessibility-<page>-<width>.png. A keyboard
alone opens a content warning and signs in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import generation
from storage import generations
from storage.accounts import local_account
from storage.models import MediaAttachment, Post
from tests.support import rows
from tests.support.accessibility import axe_context, serious_violations
from tests.support.browser import DESKTOP, SIZES, Watcher, chromium, needs_chromium, shot, sign_in
from tests.support.databases import backends
from tests.support.live import OOB, Live, authorize_url, start_live
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.servers import run_cli, wait_for

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


# A remote account stored here, as if fetched: its server's address is on loopback and closed,
# so nothing is ever sent anywhere else (the pages fetch nothing of it anyway).
FAR = "127.0.0.1:9"


async def _remote_account(config: Path) -> None:
    """mallory@FAR with a bio, a post whose picture is on her server, and a warned one."""
    svc = Services.create(load_settings(config))
    try:
        async with svc.sessions.begin() as session:
            uri = f"http://{FAR}/users/mallory"
            mallory = rows.account(uri, "mallory", FAR, display_name="Mallory")
            mallory.summary = "<p>Paints harbours at night</p>"
            session.add(mallory)
            await session.flush()
            plain = Post(uri=f"{uri}/1", account_id=mallory.id, local=False)
            plain.content_html = "<p>Dusk over the water</p>"
            warned = Post(uri=f"{uri}/2", account_id=mallory.id, local=False, sensitive=True)
            warned.spoiler_text, warned.content_html = "storm", "<p>A dark sea</p>"
            session.add_all([plain, warned])
            await session.flush()
            picture = MediaAttachment(post_id=plain.id, account_id=mallory.id)
            picture.remote_url, picture.media_type = f"http://{FAR}/1.png", "image/png"
            picture.description = "a harbour at dusk"
            session.add(picture)
    finally:
        await svc.close()


async def _queued_painting(config: Path) -> int:
    """A painting of alice's that waits in the queue: nothing here runs it."""
    svc = Services.create(load_settings(config))
    try:
        async with svc.reads() as session:
            alice = await local_account(session, "alice")
        assert alice is not None
        return await generation.admit(svc, alice.id, "a quiet bay", generations.Options("1:1"))
    finally:
        await svc.close()


def _signed_in(base: str, username: str = "alice") -> requests.Session:
    """A browser-like session signed in on the real form."""
    http = requests.Session()
    form = {"csrf_token": csrf_of(http.get(f"{base}/auth/sign_in", timeout=10).text)}
    form |= {"username": username, "password": PASSWORD}
    assert http.post(f"{base}/auth/sign_in", data=form, timeout=10).ok
    return http


def _painted(base: str) -> str:
    """The path of a painting alice asked for on /compose, once it is done (its preview)."""
    http = _signed_in(base)
    form = {"csrf_token": csrf_of(http.get(f"{base}/compose", timeout=10).text)}
    form |= {"prompt": "a harbour at dawn", "aspect_ratio": "1:1"}
    started = http.post(f"{base}/compose", data=form, allow_redirects=False, timeout=10)
    assert started.status_code == 303, started.text
    path = _path(started.headers["Location"])
    wait_for(lambda: "Your picture" in http.get(f"{base}{path}", timeout=10).text, timeout=60)
    return path


@pytest.fixture(scope="module")
def scene(live: tuple[Live, str]) -> Iterator[Scene]:
    """A plain and a content-warned picture (both tagged), a remote account's posts, alice's
    paintings (one done, one queued), bob (no admin), and one Chromium for the module."""
    server, backend = live
    run_cli(server.config, "user", "admin", "alice")  # so the admin pages are checked too
    run_cli(server.config, "user", "create", "bob", "--password", PASSWORD)
    asyncio.run(_remote_account(server.config))
    queued = asyncio.run(_queued_painting(server.config))
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
        "remote_follow": "/@alice/remote_follow",
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
        "remote_profile": f"/@mallory@{FAR}",
        "compose_progress": f"/compose/{queued}",
        "compose_preview": _painted(server.base),
        "forbidden": "/admin",  # bob is no admin: 403
    }
    with chromium() as browser:
        yield Scene(server, paths, backend, browser)


PEOPLE_PAGES = ["home", "notifications", "compose", "upload", "settings", "follow_requests"]
PEOPLE_PAGES += ["blocks", "export", "delete", "admin", "admin_users", "admin_invites"]
PEOPLE_PAGES += ["admin_domain_blocks", "admin_instance", "admin_deliveries"]
PEOPLE_PAGES += ["compose_progress", "compose_preview", "forbidden"]
SIGNED_IN = {"consent", "password", *PEOPLE_PAGES}
SIGNED_IN_AS = {"forbidden": "bob"}  # everyone else signs in as alice
STATUS = {"not_found": 404, "forbidden": 403}  # the rest answer 200


@pytest.mark.parametrize(
    "name",
    [
        "front",
        "about",
        "profile",
        "remote_follow",
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
        "remote_profile",
        "remote_profile_signed_in",
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
            sign_in(page, SIGNED_IN_AS.get(name, "alice"), base=scene.live.base)
            page.wait_for_url(f"{scene.live.base}/")
        response = page.goto(f"{scene.live.base}{path}")
        assert response.status == STATUS.get(name, 200)
        # The real server sends the strict policy that axe's context alone bypasses.
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        found = _violations(scene, page, name)
    finally:
        context.close()
    assert found == {"desktop": [], "phone": [], "opened": []}
    assert watcher.elsewhere == []


def _violations(scene: Scene, page: Any, name: str) -> dict[str, list[str]]:
    """axe's findings on the page at both widths (screenshots kept), and again once every
    content warning on it is opened: what one hides is checked too."""
    found: dict[str, list[str]] = {}
    for width, (x, y) in SIZES.items():
        page.set_viewport_size({"width": x, "height": y})
        found[width] = [str(v) for v in serious_violations(page)]
        if scene.backend == "sqlite":
            shot(page, f"accessibility-{name}", width)
    for details in page.locator("details").all():
        details.locator("summary").first.click()
    found["opened"] = [str(v) for v in serious_violations(page)]
    return found


def test_the_page_refusing_a_second_export_soon(scene: Scene) -> None:
    base = scene.live.base
    watcher = Watcher(base)
    context = axe_context(scene.browser, viewport=DESKTOP)
    try:
        page = watcher.watch(context.new_page())
        sign_in(page, "alice", base=base)
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/settings/export")
        with page.expect_download():
            page.get_by_role("button", name="Download the zip").click()
        with page.expect_response(re.compile(r"/settings/export$")) as answered:
            page.get_by_role("button", name="Download the zip").click()
        assert answered.value.status == 429
        page.get_by_text("You made an export a short while ago").wait_for()
        found = _violations(scene, page, "too_many")
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
