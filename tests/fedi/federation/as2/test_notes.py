"""The Note a local post federates as: its text always says what made the picture and from
which prompt, whatever the alt text and the caption say; the alt text falls back to the
prompt."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.federation.as2.captions import render
from fedi.federation.as2.notes import content_html, remix_source_in
from fedi.federation.sanitize import clean_html
from generators.builtin import MODEL
from storage.models import Post
from tests.support.servers import run_cli

AS2 = "application/activity+json"
MODEL_LINE = f"Made with {MODEL}"


async def _post(svc: Services, config: Path, *args: str) -> Post:
    url = (await asyncio.to_thread(run_cli, config, "post", "alice", *args)).strip()
    async with svc.reads() as session:
        post = await session.get(Post, int(url.rsplit("/", 1)[1]))
    assert post is not None
    return post


async def _note(http: Client, svc: Services, post: Post) -> dict[str, Any]:
    response = await http.get(post.uri.removeprefix(svc.urls.base), headers={"Accept": AS2})
    assert response.status_code == 200
    doc: dict[str, Any] = await response.get_json(force=True)
    return doc


async def test_a_custom_alt_text_keeps_the_prompt_and_model_in_the_note(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    post = await _post(
        svc, config_path, "a red barn in the snow", "--alt", "A barn", "--caption", "winter"
    )
    note = await _note(http, svc, post)
    assert note["attachment"][0]["name"] == "A barn"
    assert MODEL_LINE in note["content"]
    assert "a red barn in the snow" in note["content"]
    assert note["content"].startswith("<p>winter</p>")


async def test_without_alt_text_the_prompt_is_the_alt_text(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    for extra in ((), ("--alt", ""), ("--alt", "   ")):
        post = await _post(svc, config_path, "a lighthouse at dusk", *extra)
        note = await _note(http, svc, post)
        assert note["attachment"][0]["name"] == "AI-generated image of: a lighthouse at dusk"
        assert "a lighthouse at dusk" in note["content"] and MODEL_LINE in note["content"]


async def test_the_prompt_is_escaped_and_survives_edits(
    client: tuple[Client, Services], config_path: Path
) -> None:
    http, svc = client
    prompt = "<script>alert(1)</script> a fox & a hound\nat night #notatag"
    post = await _post(svc, config_path, prompt, "--alt", "foxes")
    note = await _note(http, svc, post)
    assert "<script>" not in note["content"]
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; a fox &amp; a hound<br>at night" in (note["content"])
    )
    assert "hashtag" not in note["content"] and note["tag"] == []  # the prompt is not a caption

    page = post.url or ""
    await asyncio.to_thread(run_cli, config_path, "edit", "alice", page, "--caption", "new")
    note = await _note(http, svc, post)
    assert note["content"].startswith("<p>new</p>") and MODEL_LINE in note["content"]
    assert "a fox &amp; a hound" in note["content"]

    # Clearing the alt text brings the prompt back as the alt text.
    await asyncio.to_thread(run_cli, config_path, "edit", "alice", page, "--alt", "")
    note = await _note(http, svc, post)
    assert note["attachment"][0]["name"] == f"AI-generated image of: {prompt}"


SOURCE = "https://impasto.example/users/alice/statuses/7?a=1&b=2"
TAGS = "https://impasto.example/tags"


def test_the_remix_paragraph_is_read_back_as_sent_and_as_sanitised() -> None:
    sent = content_html("<p>Evening</p>", "a model", "a fox", SOURCE)
    assert remix_source_in(sent) == SOURCE
    assert remix_source_in(clean_html(sent)) == SOURCE  # nh3 rewrites rel, keeps the shape


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<p>Evening</p><p>Prompt: a fox</p>",  # no remix paragraph
        # A link in other words, or with other text, or inside a paragraph of more words:
        f'<p>a remix of <a href="{SOURCE}">{SOURCE}</a></p>',
        f'<p>Remix of <a href="{SOURCE}">my fox</a></p>',
        f'<p>Look! Remix of <a href="{SOURCE}">{SOURCE}</a></p>',
        f'<p>Remix of <a href="{SOURCE}">{SOURCE}</a> and more</p>',
        f'<p>Remix of <a href="{SOURCE}"><span>{SOURCE}</span></a></p>',
        f'<p>Remix of <a class="mention" href="{SOURCE}">{SOURCE}</a></p>',
    ],
)
def test_no_other_shape_is_a_remix(html: str) -> None:
    assert remix_source_in(html) is None


def test_a_caption_that_spells_out_the_paragraph_is_escaped_not_a_remix() -> None:
    """Someone typing the paragraph's HTML into their caption gets text, not a remix claim."""
    typed = f'Remix of <a href="{SOURCE}">{SOURCE}</a>'
    html = content_html(
        render(typed, {}, tags_base=TAGS, local_host="impasto.example").html, None, "a fox"
    )
    assert "&lt;a href=" in html
    assert remix_source_in(html) is None
    assert remix_source_in(clean_html(html)) is None
