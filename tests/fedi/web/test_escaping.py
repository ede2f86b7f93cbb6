"""Markup people type (a display name, a bio, a prompt, a caption, alt text) and markup
another server sends (a note's HTML, through the real inbox) is shown as text or sanitised:
in Chromium, with the CSP bypassed so that escaping alone is tested, the profile, post and
tag pages open no dialog, log no error, and hold no element the payloads would inject."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.accessibility import axe_context
from tests.support.browser import chromium, needs_chromium
from tests.support.databases import backends
from tests.support.live import OOB, Live, authorize_url, consent, start_live
from tests.support.peer import Peer, deliver
from tests.support.pictures import picture
from tests.support.servers import run_cli

pytestmark = needs_chromium

IMG = "<img src=x onerror=alert(1)>"  # 28 characters: it fits a display name
SCRIPT = "<script>alert(2)</script>"
HOSTILE = f"{IMG}{SCRIPT}"
# What an injected payload would leave in the page (the page's own scripts come from /static/).
INJECTED = """() => [
  ...document.querySelectorAll('img[src="x"], [onerror], [onclick], a[href^="javascript:" i]'),
  ...[...document.scripts].filter(
    s => !s.src || !new URL(s.src).pathname.startsWith('/static/')),
].map(e => e.outerHTML)"""


@pytest.fixture(scope="module", params=backends())
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """One server for the module."""
    yield from start_live(request, tmp_path_factory.mktemp("escaping"))


@pytest.fixture(scope="module")
def peer() -> Iterator[Peer]:
    """A fake remote server, running in its own thread's event loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(Peer().start(), loop).result(30)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _token(base: str) -> str:
    app = requests.post(
        f"{base}/api/v1/apps",
        json={"client_name": "Tests", "redirect_uris": OOB, "scopes": "read write"},
        timeout=10,
    ).json()
    authorize, verifier = authorize_url(base, app["client_id"], OOB, "read write")
    code = consent(base, authorize)
    answer = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OOB,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    return str(answer["access_token"])


def _remote_note(live: Live, peer: Peer) -> dict[str, Any]:
    """A public note from mallory mentioning alice, tagged #harbour, with a picture: hostile
    HTML in its content, its alt text and its author's name."""
    mallory = peer.add_actor("mallory")
    mallory.display_name = HOSTILE
    peer.files["pic.png"] = (picture(), "image/png")
    note_id = f"{mallory.id}/statuses/1"
    alice = f"{live.base}/users/alice"
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": mallory.id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [alice],
        "published": "2026-01-01T00:00:00Z",
        "url": f"{peer.base}/@mallory/1",
        "content": (
            f"<p>{HOSTILE}<a href=\"javascript:alert('link')\">look</a> "
            f'<a href="{alice}" onclick="alert(\'click\')">@alice</a> #harbour</p>'
        ),
        "attachment": [
            {
                "type": "Document",
                "mediaType": "image/png",
                "url": f"{peer.base}/files/pic.png",
                "name": HOSTILE,
            }
        ],
        "tag": [
            {"type": "Mention", "href": alice, "name": "@alice"},
            {"type": "Hashtag", "href": f"{live.base}/tags/harbour", "name": "#harbour"},
        ],
    }
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": mallory.id,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }
    status = asyncio.run(deliver(mallory, f"{live.base}/inbox", create))
    assert status == 202
    return note


def _tagged(base: str, uri: str) -> dict[str, Any]:
    """The remote status once the server has stored it (the inbox worker runs apart)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = requests.get(f"{base}/api/v1/timelines/tag/harbour", timeout=10).json()
        for status in found:
            if status["uri"] == uri:
                return dict(status)
        time.sleep(0.3)
    raise AssertionError("the remote note never reached the tag page")


def test_markup_people_and_servers_send_runs_nothing(live: Live, peer: Peer) -> None:
    token = _token(live.base)
    answer = requests.patch(
        f"{live.base}/api/v1/accounts/update_credentials",
        headers={"Authorization": f"Bearer {token}"},
        data={"display_name": IMG, "note": f"bio {HOSTILE}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    url = run_cli(
        live.config,
        "post",
        "alice",
        f"a harbour {HOSTILE}",
        "--caption",
        f"{IMG} #harbour {SCRIPT} <a href=\"javascript:alert('c')\">x</a>",
        "--alt",
        HOSTILE,
    ).strip()
    note = _remote_note(live, peer)
    remote = _tagged(live.base, note["id"])
    for bad in ("<script", "onerror", "onclick", "javascript:"):
        assert bad not in remote["content"].lower()  # sanitised as it arrived

    pages = ["/@alice", urlsplit(url).path, "/tags/harbour"]
    events: list[str] = []
    injected: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    alts: dict[str, list[str]] = {}
    with chromium() as browser:
        context = axe_context(browser)  # the CSP bypassed: escaping alone must hold
        page = context.new_page()
        page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
        page.on("pageerror", lambda exc: events.append(f"error {exc}"))
        page.on("console", lambda m: events.append(f"console {m.text}"))
        for path in pages:
            page.goto(f"{live.base}{path}")
            for details in page.locator("details").all():
                details.locator("summary").first.click()
            page.wait_for_load_state("networkidle")
            injected[path] = page.evaluate(INJECTED)
            shown[path] = page.inner_text("body")
            alts[path] = page.evaluate("() => [...document.images].map(i => i.alt)")
    assert events == []
    assert injected == {path: [] for path in pages}
    # The payloads are there, as text a person can read.
    assert f"bio {HOSTILE}" in shown["/@alice"]
    assert alts["/tags/harbour"].count(HOSTILE) == 2  # alice's picture and mallory's
    assert f"a harbour {HOSTILE}" in shown[urlsplit(url).path]
