"""The Note a local post federates as: its text always says what made the picture and from
which prompt, whatever the alt text and the caption say; the alt text falls back to the
prompt."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
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
