"""Painting from the web app: sign-in and CSRF required, a generation followed to its preview
(and over server-sent events) by its asker alone, published with the words and visibility
chosen; a model that fails says why and keeps the form; remixes prefill and link their source."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from quart import render_template
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain import auth, generation
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.web.pages.post_view import RemixShown
from generators.base import GenerationError, GenerationRequest
from storage import generations, remixes
from storage.accounts import local_account
from storage.models import MediaAttachment, Post
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in

GENERATION = re.compile(r"^/compose/(\d+)")


async def _signed_in(http: Client, svc: Services, name: str = "alice") -> None:
    await auth.set_password(svc, name, PASSWORD)
    assert (await sign_in(http, name)).status_code == 303


async def _paint(http: Client, prompt: str, **fields: str) -> str:
    """Send the compose form; the progress page's path."""
    html = await page(http, "/compose")
    form = {"csrf_token": csrf_of(html), "prompt": prompt, "aspect_ratio": "1:1", **fields}
    response = await http.post("/compose", form=form)
    assert response.status_code == 303, await response.get_data(as_text=True)
    return str(response.headers["Location"])


async def _finished(http: Client, path: str) -> str:
    """The generation's page once it no longer says it is painting."""
    for _ in range(400):
        html = await page(http, path)
        if "Painting your picture" not in html:
            return html
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} did not finish")


async def test_sign_in_is_needed(client: Pair) -> None:
    http, _ = client
    for path in ("/compose", "/compose?prompt=a%20cat", "/compose/upload", "/compose/1"):
        response = await http.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/auth/sign_in?next=/compose"), path
    assert (await http.post("/compose", form={"prompt": "x"})).status_code == 302


async def test_paint_follow_and_publish(client: Pair) -> None:
    http, svc = client
    await _signed_in(http, svc)
    svc.settings.generator.per_user_hourly_limit = 5
    html = await page(http, "/compose")
    assert svc.generator.model in html and "5 of 5 pictures per hour left" in html
    for ratio in ("1:1", "16:9", "9:16"):
        assert f'<option value="{ratio}"' in html
    path = await _paint(http, "a lighthouse at dusk", negative_prompt="people", seed="7")
    generation_id = GENERATION.match(path).group(1)  # type: ignore[union-attr]
    events = await http.get(f"{path}/events")
    assert events.status_code == 200 and events.mimetype == "text/event-stream"
    body = await events.get_data(as_text=True)
    states = [json.loads(line[6:])["state"] for line in body.splitlines() if line[:6] == "data: "]
    assert states[-1] == "done" and len(states) == len(set(states)), body
    preview = await _finished(http, path)
    assert "Paint again" in preview and "seed 7" in preview
    assert "AI-generated image of: a lighthouse at dusk</textarea>" in preview  # alt text
    assert "4 of 5" in await page(http, "/compose")
    form = {
        "csrf_token": csrf_of(preview),
        "alt_text": "A white lighthouse against an orange sky",
        "caption": "Evening #sea",
        "content_warning": "bright",
        "visibility": "unlisted",
    }
    done = await http.post(f"/compose/{generation_id}/publish", form=form)
    assert done.status_code == 303
    post_path = done.headers["Location"]
    assert post_path.startswith("/@alice/")
    async with svc.reads() as session:
        post = await session.get(Post, int(post_path.rsplit("/", 1)[1]))
        assert post is not None
        media = (await session.execute(MediaAttachment.__table__.select())).all()
    assert (post.visibility, post.spoiler_text, post.sensitive) == ("unlisted", "bright", True)
    assert post.prompt == "a lighthouse at dusk" and post.generator_seed == 7
    assert [row.description for row in media] == [form["alt_text"]]
    # Posted once: publishing again says so.
    again = await http.post(f"/compose/{generation_id}/publish", form=form)
    assert again.status_code == 422 and "already posted" in await again.get_data(as_text=True)


async def test_csrf_and_someone_elses_generation(client: Pair) -> None:
    http, svc = client
    await _signed_in(http, svc)
    forged = {"csrf_token": "forged", "prompt": "a cat"}
    assert (await http.post("/compose", form=forged)).status_code == 403
    path = await _paint(http, "a secret garden")
    await _finished(http, path)
    assert (await http.post(f"{path}/publish", form=forged)).status_code == 403
    assert (await http.post("/compose/upload", form=forged)).status_code == 403
    await create_user(svc, "bob")
    await _signed_in(http, svc, "bob")
    assert (await http.get(path)).status_code == 404
    assert (await http.get(f"{path}/events")).status_code == 404
    token = csrf_of(await page(http, "/compose"))
    form = {"csrf_token": token, "alt_text": "mine now"}
    assert (await http.post(f"{path}/publish", form=form)).status_code == 404
    async with svc.reads() as session:
        assert (await session.execute(Post.__table__.select())).all() == []


async def test_a_failing_model_says_why_and_keeps_the_form(client: Pair, monkeypatch: Any) -> None:
    http, svc = client
    await _signed_in(http, svc)

    async def broken(request: GenerationRequest) -> Any:
        raise GenerationError("the model is out of paint")

    monkeypatch.setattr(svc.generator, "generate", broken)
    path = await _paint(http, "a fox in the snow", negative_prompt="dogs", aspect_ratio="16:9")
    html = await _finished(http, path)
    assert "could not be made" in html and "out of paint" in html
    assert ">a fox in the snow</textarea>" in html and 'value="dogs"' in html
    assert '<option value="16:9" selected>' in html
    refused = await http.post("/compose", form={"csrf_token": csrf_of(html), "prompt": " "})
    assert refused.status_code == 422 and "the prompt is empty" in await refused.get_data(
        as_text=True
    )


async def test_remix_prefills_and_links_its_source(client: Pair) -> None:
    http, svc = client
    await _signed_in(http, svc)
    source = await make_post(svc, Draft("alice", "a red fox in the snow"))
    assert ">a cat on a roof</textarea>" in await page(http, "/compose?prompt=a+cat+on+a+roof")
    html = await page(http, f"/compose?remix={source.id}")
    assert ">a red fox in the snow</textarea>" in html and f'value="{source.id}"' in html
    assert "Remixing" in await page(http, f"/compose?remix={source.id}")
    assert "cannot be remixed" in await page(http, "/compose?remix=123456789")
    path = await _paint(http, "a red fox in the snow at night", remix=str(source.id))
    assert path.endswith(f"?remix={source.id}")
    preview = await _finished(http, path)
    assert "It will link the picture it remixes" in preview
    form = {"csrf_token": csrf_of(preview), "alt_text": "a fox", "remix": str(source.id)}
    done = await http.post(f"{path.split('?')[0]}/publish", form=form)
    assert done.status_code == 303
    async with svc.reads() as session:
        remix = await session.get(Post, int(done.headers["Location"].rsplit("/", 1)[1]))
        listed = await remixes.remixes_of(session, source.uri)
    assert remix is not None and remix.remix_of_uri == source.uri
    assert f'Remix of <a href="{source.uri}"' in remix.content_html
    assert [post.id for post, _ in listed] == [remix.id]


async def test_a_waiting_generation_page_follows_along(client: Pair) -> None:
    """Queued behind a busy easel: the page marks the step, loads compose.js for the live
    events, and refreshes itself when scripts are off; the events say `queued` first."""
    http, svc = client
    await _signed_in(http, svc)
    svc.settings.generator.max_concurrent = 1
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
    assert alice is not None
    held = await generation.admit(svc, alice.id, "busy", generations.Options("1:1"))
    async with svc.sessions.begin() as session:
        assert await generations.try_start(session, held, 1, 600.0, 600.0)
    path = await _paint(http, "a patient picture")
    html = await page(http, path)
    assert '<li data-step="queued" class="current" aria-current="step">' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert '<script src="/static/compose.js" defer></script>' in html and "onload" not in html

    async def free_the_easel() -> None:
        await asyncio.sleep(0.5)
        async with svc.sessions.begin() as session:
            await generations.release(session, held, "done holding")

    freeing = asyncio.create_task(free_the_easel())
    events = await http.get(f"{path}/events")
    await freeing
    body = await events.get_data(as_text=True)
    states = [json.loads(line[6:])["state"] for line in body.splitlines() if line[:6] == "data: "]
    assert states[0] == "queued" and states[-1] == "done", states
    await _finished(http, path)


async def test_the_remixes_partial(client: Pair) -> None:
    http, svc = client
    source = await make_post(svc, Draft("alice", "a lighthouse"))
    remix = await make_post(svc, Draft("alice", "a lighthouse at night"))
    app = http.app  # type: ignore[attr-defined]
    async with app.app_context():
        empty = await render_template("_remixes.html", remixes=[])
        shown = RemixShown(f"/@alice/{remix.id}", "a lighthouse at night", "@alice")
        html = await render_template("_remixes.html", remixes=[shown])
    assert empty.strip() == "" and source.id != remix.id
    assert "Remixes of this picture" in html and f'href="/@alice/{remix.id}"' in html
    assert "a lighthouse at night" in html and "@alice" in html
