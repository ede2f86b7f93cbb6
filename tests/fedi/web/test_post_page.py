"""A post's page: the caption's hashtags, mentions and links are links, everything else is
escaped text; long text is cut in the title and the previews, never on the page."""

from __future__ import annotations

import asyncio
from pathlib import Path

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from tests.support.html import elements, meta, title
from tests.support.servers import run_cli


async def _post(config: Path, *args: str) -> str:
    """Post as alice through the command line; the page's path."""
    url = (await asyncio.to_thread(run_cli, config, "post", "alice", *args)).strip()
    return "/" + url.split("/", 3)[3]


async def _page(http: Client, path: str) -> str:
    response = await http.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page: str = await response.get_data(as_text=True)
    return page


async def test_hashtags_mentions_and_links_of_the_caption_are_links(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    await create_user(svc, "bob", display_name="Bob")
    caption = (
        "Sunset for @bob #GoldenHour <script>alert(1)</script>\n\n"
        "more at https://example.com/a?b=1&c=2 & @nobody"
    )
    path = await _post(config_path, "<img src=x onerror=alert(1)> a sunset", "--caption", caption)
    page = await _page(http, path)

    links = {a.attrs["href"]: a for a in elements(page, "a") if a.inside("div")}
    tag = links[f"{svc.urls.base}/tags/goldenhour"]
    assert tag.text == "#GoldenHour" and tag.attrs["rel"] == "tag"
    assert links[svc.urls.profile("bob")].text == "@bob"
    url = links["https://example.com/a?b=1&c=2"]
    assert "nofollow" in url.attrs["rel"] and "noopener" in url.attrs["rel"]
    assert all(a.inside("div") for a in links.values())
    # Everything else is text: the script, the unknown handle, the prompt's markup.
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "@nobody" in page and not any("nobody" in href for href in links)
    assert "&lt;img src=x onerror=alert(1)&gt; a sunset" in page
    pictures = [img for img in elements(page, "img") if "avatar" not in img.attrs.get("class", "")]
    assert [img.attrs["alt"] for img in pictures] == [
        "AI-generated image of: <img src=x onerror=alert(1)> a sunset"
    ]
    assert all(img.attrs.get("alt") for img in elements(page, "img"))


async def test_a_long_prompt_is_cut_in_the_title_and_previews_but_whole_on_the_page(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, _ = client
    prompt = " ".join(f"word{n}" for n in range(900))  # about 5,000 characters
    path = await _post(config_path, prompt)
    page = await _page(http, path)
    assert 20 < len(title(page)) <= 110 and title(page).endswith("…")
    assert title(page).startswith("Alice: word0 word1")
    assert "word8" in title(page) and " word" not in title(page)[-3:]  # cut between words
    description = meta(page, "description")
    assert description is not None and 50 < len(description) <= 200
    assert description.endswith("…") and meta(page, "og:description") == description
    assert meta(page, "og:title") == title(page)
    assert [dd.text for dd in elements(page, "dd") if dd.text == prompt]  # all of it
    assert meta(page, "og:image") is not None  # not sensitive: the picture is the preview


async def test_the_previews_of_a_post_behind_a_warning_give_the_warning_only(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, _ = client
    path = await _post(config_path, "a spider", "--caption", "eight legs", "--cw", "spiders")
    page = await _page(http, path)
    assert title(page) == "Alice: Content warning: spiders"
    assert meta(page, "description") == "Content warning: spiders"
    assert meta(page, "og:image") is None
