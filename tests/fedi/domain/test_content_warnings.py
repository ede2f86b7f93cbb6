"""Content warnings (Mastodon's spoiler text) and sensitive pictures: `--cw` on post, reply
and edit, federated as the Note's `summary` with `sensitive: true`; on the profile, tag and
post pages a sensitive picture is its blurhash behind the warning until opened, without
script."""

from __future__ import annotations

import asyncio
import base64
import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from quart.typing import TestClientProtocol as Client
from sqlalchemy import select

from fedi.core.services import Services
from storage.models import MediaAttachment, OutboundActivity, Post
from tests.support.html import Element, elements
from tests.support.servers import run_cli

AS2 = "application/activity+json"
PLACEHOLDER = "data:image/png;base64,"


async def _cli(config: Path, *args: str) -> str:
    return (await asyncio.to_thread(run_cli, config, *args)).strip()


async def _post(svc: Services, config: Path, *args: str, verb: str = "post") -> Post:
    """Post (or reply) through the command line; the stored post."""
    url = await _cli(config, verb, "alice", *args)
    async with svc.reads() as session:
        post = await session.get(Post, int(url.rsplit("/", 1)[1]))
    assert post is not None and post.url == url
    return post


async def _as2(http: Client, url: str, svc: Services) -> dict[str, Any]:
    response = await http.get(url.removeprefix(svc.urls.base), headers={"Accept": AS2})
    assert response.status_code == 200, url
    doc: dict[str, Any] = await response.get_json(force=True)
    return doc


async def _page(http: Client, path: str) -> str:
    response = await http.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    page: str = await response.get_data(as_text=True)
    return page


async def _last_update(svc: Services) -> dict[str, Any]:
    async with svc.reads() as session:
        body = await session.scalar(
            select(OutboundActivity.body)
            .where(OutboundActivity.activity_type == "Update")
            .order_by(OutboundActivity.id.desc())
            .limit(1)
        )
    assert body is not None
    update: dict[str, Any] = json.loads(body)
    return update


async def test_a_content_warning_federates_as_summary_and_makes_the_post_sensitive(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    warned = await _post(svc, config_path, "a spider in its web", "--cw", "  spiders  ")
    assert (warned.spoiler_text, warned.sensitive) == ("spiders", True)  # as Mastodon: stripped
    note = await _as2(http, warned.uri, svc)
    assert (note["summary"], note["sensitive"]) == ("spiders", True)
    create = await _as2(http, f"{warned.uri}/activity", svc)
    assert (create["object"]["summary"], create["object"]["sensitive"]) == ("spiders", True)

    flagged = await _post(svc, config_path, "a bat", "--sensitive")
    note = await _as2(http, flagged.uri, svc)
    assert (note["summary"], note["sensitive"]) == (None, True)
    plain = await _post(svc, config_path, "a cat", "--cw", "   ")  # blank: no warning
    note = await _as2(http, plain.uri, svc)
    assert (note["summary"], note["sensitive"]) == (None, False)

    reply = await _post(svc, config_path, warned.url or "", "a web", "--cw", "more", verb="reply")
    note = await _as2(http, reply.uri, svc)
    assert (note["summary"], note["sensitive"], note["inReplyTo"]) == ("more", True, warned.uri)


async def test_an_edit_changes_or_clears_the_content_warning(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    post = await _post(svc, config_path, "a snake", "--caption", "hiss")
    page = post.url or ""

    await _cli(config_path, "edit", "alice", page, "--cw", "snakes")
    update = await _last_update(svc)
    assert (update["object"]["summary"], update["object"]["sensitive"]) == ("snakes", True)
    assert update["@context"][2]["sensitive"] == "as:sensitive"
    note = await _as2(http, post.uri, svc)
    assert (note["summary"], note["sensitive"]) == ("snakes", True)

    # A post with a warning stays sensitive: --no-sensitive alone is refused, not ignored.
    with pytest.raises(RuntimeError, match="content warning"):
        await _cli(config_path, "edit", "alice", page, "--no-sensitive")

    await _cli(config_path, "edit", "alice", page, "--cw", "")  # cleared; still sensitive
    update = await _last_update(svc)
    assert (update["object"]["summary"], update["object"]["sensitive"]) == (None, True)
    await _cli(config_path, "edit", "alice", page, "--no-sensitive")
    note = await _as2(http, post.uri, svc)
    assert (note["summary"], note["sensitive"]) == (None, False)
    assert "hiss" in note["content"]  # the caption was not touched


def _placeholder(img: Element) -> Image.Image:
    src = img.attrs["src"]
    assert src.startswith(PLACEHOLDER)
    return Image.open(BytesIO(base64.b64decode(src.removeprefix(PLACEHOLDER))))


def _hidden_behind(page: str, media_url: str, warning: str) -> None:
    """The picture is its blurhash in a <summary> saying `warning`; the real image is only in
    the <details> it opens (and lazy, so not loaded before); every image has alt text."""
    images = elements(page, "img")
    assert images and all(img.attrs.get("alt", "").strip() for img in images)
    real = [img for img in images if img.attrs["src"] == media_url]
    assert len(real) == 1
    assert real[0].inside("details") and not real[0].inside("summary")
    assert real[0].attrs.get("loading") == "lazy"
    summaries = [s for s in elements(page, "summary") if warning in s.text]
    assert len(summaries) == 1 and summaries[0].inside("details")
    blurred = [img for img in images if img.attrs["src"].startswith(PLACEHOLDER)]
    assert len(blurred) == 1 and blurred[0].inside("summary")
    small = _placeholder(blurred[0])
    assert small.format == "PNG" and max(small.size) <= 32


def _shown(page: str, media_url: str) -> None:
    [img] = [img for img in elements(page, "img") if img.attrs["src"] == media_url]
    assert not img.inside("details") and img.attrs.get("alt")
    assert PLACEHOLDER not in page


async def _media_url(svc: Services, post: Post) -> str:
    async with svc.reads() as session:
        media = await session.scalar(
            select(MediaAttachment).where(MediaAttachment.post_id == post.id)
        )
    assert media is not None and media.file_name is not None and media.blurhash
    return svc.urls.media(media.file_name)


@pytest.mark.parametrize(
    ("flags", "warning"),
    [(("--cw", "spiders <b>"), "spiders <b>"), (("--sensitive",), "Sensitive content")],
)
async def test_sensitive_pictures_are_blurred_on_every_page_until_opened(
    client: tuple[Client, Services], config_path: Path, flags: tuple[str, ...], warning: str
) -> None:
    http, svc = client
    post = await _post(
        svc, config_path, "a spider in its web", "--caption", "look #arachnids", *flags
    )
    media_url = await _media_url(svc, post)
    for path in ("/@alice", "/tags/arachnids", f"/@alice/{post.id}"):
        response = await http.get(path, headers={"Accept": "text/html"})
        assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
        page = await response.get_data(as_text=True)
        _hidden_behind(page, media_url, warning)
        assert "spiders <b>" not in page  # the warning is text, escaped
        assert "<script" not in page and " style=" not in page  # nothing the CSP would block

    post_page = await _page(http, f"/@alice/{post.id}")
    caption = next(e for e in elements(post_page) if "caption" in e.attrs.get("class", ""))
    # A content warning hides the words too (as Mastodon hides the text); a sensitive flag
    # alone hides only the picture.
    assert caption.inside("details") is (flags[0] == "--cw")


async def test_other_pictures_are_shown_as_they_are(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    post = await _post(svc, config_path, "a meadow", "--caption", "#meadows")
    media_url = await _media_url(svc, post)
    for path in ("/@alice", "/tags/meadows", f"/@alice/{post.id}"):
        _shown(await _page(http, path), media_url)
