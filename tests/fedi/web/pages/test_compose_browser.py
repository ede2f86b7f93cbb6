"""Headless Chromium (Debian's, driven by Playwright) paints on the real pages of a running
server with the strict CSP in force: signs in, asks for a picture, watches its progress go on
by itself (server-sent events), publishes it, finds it on the profile grid and the front page,
then remixes it and sees the source linked; where two models are offered, the one chosen
paints and "Paint again" keeps it. Screenshots of the compose, progress and preview
pages at desktop and phone widths go to test-artifacts/screenshots/. No request leaves the
server's origin."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from fedi.core.services import Services
from fedi.core.settings import load_settings
from fedi.domain import generation
from storage import generations
from storage.accounts import local_account
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

pytestmark = needs_chromium


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module, painting one picture at a time (so a test can hold the
    only easel and see a generation wait), offering a second model to choose."""
    tmp = tmp_path_factory.mktemp("compose")
    yield from start_live(
        request,
        tmp,
        generator={
            "backend": "builtin",
            "max_concurrent": 1,
            "models": {"sketch": {"label": "Sketchbook", "backend": "builtin"}},
        },
    )


def _hold_the_easel(config: Path) -> int:
    """Take the server's only painting slot, as another process would; the holder's id."""

    async def hold() -> int:
        svc = Services.create(load_settings(config))
        try:
            async with svc.reads() as session:
                alice = await local_account(session, "alice")
            assert alice is not None
            held = await generation.admit(svc, alice.id, "busy", generations.Options("1:1"))
            async with svc.sessions.begin() as session:
                assert await generations.try_start(session, held, 1, 600.0, 600.0)
            return held
        finally:
            await svc.close()

    return off_loop(asyncio.run, hold())


def _free_the_easel(config: Path, held: int) -> None:
    async def free() -> None:
        svc = Services.create(load_settings(config))
        try:
            async with svc.sessions.begin() as session:
                await generations.release(session, held, "done holding")
        finally:
            await svc.close()

    off_loop(asyncio.run, free())


def test_paint_publish_and_remix_in_chromium(live: Live, request: pytest.FixtureRequest) -> None:
    shots = screenshots_wanted(request)
    watcher = Watcher(live.base)
    with chromium() as browser:
        page = watcher.page(browser)
        page.goto(f"{live.base}/compose")
        sign_in(page, "alice")
        page.get_by_role("heading", name="Paint a picture").wait_for()
        page.get_by_label("Prompt").fill("a lighthouse on a cliff at sunset")
        page.get_by_label("Shape").select_option("16:9")
        model = page.get_by_label("Model")
        assert model.input_value() == "main"  # the default, chosen
        model.select_option(label="Sketchbook")
        if shots:
            shoot(page, "compose")
        held = _hold_the_easel(live.config)
        page.get_by_role("button", name="Paint", exact=True).click()
        page.get_by_role("heading", name="Painting your picture").wait_for()
        assert "current" in (page.locator("li[data-step=queued]").get_attribute("class") or "")
        if shots:
            shoot(page, "compose_progress")
        _free_the_easel(live.config, held)
        # The page follows the generation over server-sent events and shows the preview.
        page.get_by_role("heading", name="Your picture", exact=True).wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Paint again").is_visible()
        assert page.locator("form.again input[name=model]").input_value() == "sketch"
        alt = page.get_by_label("Alt text")
        assert alt.input_value() == "AI-generated image of: a lighthouse on a cliff at sunset"
        if shots:
            shoot(page, "compose_preview")
        page.get_by_label("Caption (optional)").fill("Evening by the sea")
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url(re.compile(r"/@alice/\d+$"))
        source_path = urlsplit(page.url).path
        page.get_by_text("Evening by the sea").first.wait_for()
        page.goto(f"{live.base}/@alice")
        grid_picture = page.get_by_alt_text("AI-generated image of: a lighthouse on a cliff")
        grid_picture.first.wait_for()
        page.goto(f"{live.base}/")
        page.get_by_alt_text("AI-generated image of: a lighthouse on a cliff").first.wait_for()
        page.goto(f"{live.base}/compose/upload")
        page.get_by_role("heading", name="Post a picture you made").wait_for()
        if shots:
            shoot(page, "compose_upload")

        # Remix it: the prompt comes along, and the new post links its source.
        source_id = source_path.rsplit("/", 1)[1]
        page.goto(f"{live.base}/compose?remix={source_id}")
        prompt = page.get_by_label("Prompt")
        assert prompt.input_value() == "a lighthouse on a cliff at sunset"
        prompt.fill("a lighthouse on a cliff at night")
        page.get_by_role("button", name="Paint", exact=True).click()
        page.get_by_role("heading", name="Your picture", exact=True).wait_for(timeout=60_000)
        source_link = page.get_by_role("link", name="the source")
        assert urlsplit(source_link.get_attribute("href") or "").path == source_path
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url(re.compile(r"/@alice/\d+$"))
        remix_url = page.url
    assert watcher.elsewhere == []
    assert watcher.refused_by_csp() == []
    as2 = {"Accept": "application/activity+json"}
    source = requests.get(f"{live.base}{source_path}", headers=as2, timeout=10).json()
    remix = requests.get(remix_url, headers=as2, timeout=10).json()
    assert f'Remix of <a href="{source["id"]}"' in remix["content"]
