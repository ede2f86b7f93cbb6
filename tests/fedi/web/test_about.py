"""The /about page: the rules, the model that paints here, how pictures are labelled, and how
to post from a Mastodon app."""

from __future__ import annotations

import html
import re

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.web.app import CSP

BROWSER = "text/html,application/xhtml+xml"


def text_of(page: str) -> str:
    """The page's words as a reader sees them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def _page(http: Client) -> str:
    response = await http.get("/about", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == CSP
    return await response.get_data(True)


async def test_about_names_the_model_the_labels_and_the_paint_convention(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    page = await _page(http)
    words = text_of(page).replace(" .", ".")
    assert "The model in use is Impasto built-in painter." in words
    assert "trainedAlgorithmicMedia" in words
    assert "/paint a lighthouse at dusk" in words
    assert "This server has not written down any rules." in words
    assert f"type {svc.settings.instance.url.split('//')[1]} as the server" in words
    assert "<script" not in page
    front = await (await http.get("/", headers={"Accept": BROWSER})).get_data(True)
    assert 'href="/about"' in front


async def test_about_lists_the_rules_escaped_and_the_contact(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    svc.settings.instance.rules = ["Be kind.", "Mark <script>sensitive</script> pictures."]
    svc.settings.instance.contact_email = "admin@impasto.example"
    page = await _page(http)
    assert "<li>Be kind.</li>" in page
    assert "<li>Mark &lt;script&gt;sensitive&lt;/script&gt; pictures.</li>" in page
    assert 'href="mailto:admin@impasto.example"' in page
