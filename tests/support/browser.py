"""Debian's Chromium driven by Playwright for browser tests: how to launch it, where
screenshots go, the two widths every page is looked at, and a guard that no request leaves
for another host."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


def launch(playwright: Any) -> Any:
    """A headless Chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def record_elsewhere(page: Any, base: str, into: list[str]) -> None:
    """Append to `into` every http(s) request the page makes to a host other than `base`'s."""
    origin = urlsplit(base).netloc

    def seen(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https"} and parts.netloc != origin:
            into.append(request.url)

    page.on("request", seen)


def shot(page: Any, name: str, width: str) -> None:
    """A full-page screenshot at the current viewport, named `<name>-<width>.png`."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
