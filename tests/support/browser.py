"""Debian's Chromium driven by Playwright for browser tests: how to launch it, how a person
signs in, where screenshots go and the two widths every page is looked at, and a watcher
that records requests to another host and what the strict CSP refused."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

from tests.support.oauth import PASSWORD

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
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
DESKTOP = {"width": 1280, "height": 800}

# Mark a browser module with it: without Chromium the tests are skipped, except on CI
# (.ci/run installs it), where they fail.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium (.ci/run installs it)",
)

T = TypeVar("T")


def launch(playwright: Any) -> Any:
    """A headless Chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium, closed (with Playwright) when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def off_loop(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in a thread of its own: Playwright's sync API holds this thread's event
    loop, and the CLI (`run_cli`) or a coroutine run with `asyncio.run` wants one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args).result()


def sign_in(page: Any, username: str, *, base: str = "", password: str = PASSWORD) -> None:
    """Fill in the sign-in form and send it: the page's own, or /auth/sign_in's when `base`
    is given. The caller waits for the page the server sends next."""
    if base:
        page.goto(f"{base}/auth/sign_in")
    assert urlsplit(page.url).path == "/auth/sign_in", page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@dataclass
class Watcher:
    """What the pages it watches did wrong: requests to a host other than `base`'s, and
    errors from the console or a script (among them what the CSP refused)."""

    base: str
    elsewhere: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        """Watch this page from now on; returns it."""
        origin = urlsplit(self.base).netloc

        def seen(request: Any) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in {"http", "https"} and parts.netloc != origin:
                self.elsewhere.append(request.url)

        def logged(message: Any) -> None:
            if message.type == "error":
                self.problems.append(message.text)

        page.on("request", seen)
        page.on("console", logged)
        page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        return page

    def page(self, browser: Any, **options: Any) -> Any:
        """A watched page in a fresh context (its own cookies), at desktop size."""
        return self.watch(browser.new_context(viewport=DESKTOP, **options).new_page())

    def refused_by_csp(self) -> list[str]:
        """The errors that name the Content Security Policy."""
        return [p for p in self.problems if "Content Security Policy" in p]


def screenshots_wanted(request: pytest.FixtureRequest) -> bool:
    """Whether this run of a test saves screenshots: on SQLite only (one set is enough)."""
    callspec = getattr(request.node, "callspec", None)
    return callspec is None or "postgresql" not in callspec.params.values()


def shot(page: Any, name: str, width: str) -> None:
    """A full-page screenshot at the current viewport, named `<name>-<width>.png`."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def shoot(page: Any, name: str) -> None:
    """Screenshots of the current page at both widths; the page is left at desktop size."""
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        shot(page, name, label)
    page.set_viewport_size(DESKTOP)


def reload_until(page: Any, locator: Any, tries: int = 150) -> None:
    """Reload the page until `locator` finds something (what another process or server does
    shows up in time), at most `tries` times, 0.2 s apart; the caller asserts it is there."""
    for _ in range(tries):
        if locator.count():
            return
        page.wait_for_timeout(200)
        page.reload()
