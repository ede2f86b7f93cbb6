"""Choosing the model: where the instance offers several, the compose page has a Model list
with the default chosen; the chosen model paints, is recorded on the generation and on the
post (its page and its Note name it), and "Paint again" asks it again; an unknown key is a 400
that keeps the form; the model an admin makes the default paints when nobody chooses, `/paint`
posts included. With one model there is no list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import select

from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post
from storage import moderation
from storage.models import Generation, Post
from storage.work_models import Generation as GenerationRow
from tests.fedi.web.pages.test_compose import GENERATION, _finished, _paint
from tests.support.models import install_flat, offer_flat
from tests.support.oauth import Pair, csrf_of, page, sign_in

AGAIN = re.compile(r'<form method="post" action="/compose" class="again">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
ADMIN_FORM = {"description": "Paintings", "rules": "", "quota": "200", "registrations": "closed"}


@pytest.fixture
async def two_models(admin_site: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pair:
    """alice and root (an admin) on an instance offering the built-in painter ("main") and
    `flat` ("Flat XL", painting as flat-xl)."""
    install_flat(tmp_path, monkeypatch)
    offer_flat(admin_site[1])
    return admin_site


async def _row(svc: Services, generation_id: int) -> Generation:
    async with svc.reads() as session:
        row = await session.get(GenerationRow, generation_id)
    assert row is not None
    return row


async def test_one_model_no_list(admin_site: Pair) -> None:
    http, _ = admin_site
    await sign_in(http, "alice")
    html = await page(http, "/compose")
    assert "Painted here by <strong>Impasto built-in painter</strong>" in html
    assert 'name="model"' not in html
    await sign_in(http, "root")
    assert 'name="default_model"' not in await page(http, "/admin/instance")


async def test_the_chosen_model_paints_and_paint_again_keeps_it(two_models: Pair) -> None:
    http, svc = two_models
    await sign_in(http, "alice")
    html = await page(http, "/compose")
    assert '<label for="model">Model</label>' in html
    assert '<option value="main" selected>Impasto built-in painter</option>' in html
    assert '<option value="flat">Flat XL</option>' in html

    path = await _paint(http, "a quiet pond", model="flat")
    preview = await _finished(http, path)
    generation_id = int(GENERATION.match(path).group(1))  # type: ignore[union-attr]
    row = await _row(svc, generation_id)
    assert (row.state, row.model_key, row.backend, row.model) == ("done", "flat", "flat", "flat-xl")
    assert "a quiet pond · flat-xl" in preview
    again = dict(HIDDEN.findall(AGAIN.search(preview).group(1)))  # type: ignore[union-attr]
    assert again["model"] == "flat"
    repainted = await http.post("/compose", form=again)
    assert repainted.status_code == 303
    second = int(GENERATION.match(repainted.headers["Location"]).group(1))  # type: ignore[union-attr]
    await _finished(http, repainted.headers["Location"])
    assert (await _row(svc, second)).model == "flat-xl"
    changing = await page(http, "/compose?prompt=a+quiet+pond&model=flat")
    assert '<option value="flat" selected>Flat XL</option>' in changing

    form = {"csrf_token": csrf_of(preview), "alt_text": "A teal square"}
    done = await http.post(f"/compose/{generation_id}/publish", form=form)
    assert done.status_code == 303
    post_page = await page(http, done.headers["Location"])
    assert "Made with flat-xl" in post_page
    async with svc.reads() as session:
        post = (await session.execute(select(Post))).scalar_one()
    assert (post.generator_backend, post.generator_model) == ("flat", "flat-xl")
    assert "Made with flat-xl" in post.content_html  # the Note's text says so too


async def test_the_default_model_paints_when_none_is_chosen(two_models: Pair) -> None:
    http, svc = two_models
    await sign_in(http, "alice")
    path = await _paint(http, "a red barn")  # no model field: the default
    await _finished(http, path)
    row = await _row(svc, int(GENERATION.match(path).group(1)))  # type: ignore[union-attr]
    assert (row.model_key, row.backend) == ("main", "builtin")


async def test_an_unknown_model_is_refused_with_the_form_kept(two_models: Pair) -> None:
    http, svc = two_models
    await sign_in(http, "alice")
    token = csrf_of(await page(http, "/compose"))
    form = {"csrf_token": token, "prompt": "a quiet pond", "seed": "5", "model": "dall-e-9000"}
    refused = await http.post("/compose", form=form)
    html = await refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "model must be one of main, flat, not &#39;dall-e-9000&#39;" in html
    assert ">a quiet pond</textarea>" in html and 'value="5"' in html
    async with svc.reads() as session:
        assert (await session.execute(select(GenerationRow))).all() == []


async def _save_default(http: Client, key: str, status: int = 303) -> str:
    html = await page(http, "/admin/instance")
    form = {"csrf_token": csrf_of(html), **ADMIN_FORM, "default_model": key}
    saved = await http.post("/admin/instance", form=form)
    assert saved.status_code == status
    return html


async def test_the_admin_changes_the_default_and_the_next_painting_uses_it(
    two_models: Pair,
) -> None:
    http, svc = two_models
    await sign_in(http, "root")
    html = await _save_default(http, "flat")
    assert '<option value="main" selected>' in html  # config.toml's, as the form starts
    assert '<option value="flat" selected>Flat XL</option>' in await page(http, "/admin/instance")
    assert "Flat XL" in await page(http, "/about")

    post = await make_post(svc, Draft("alice", "a windmill"))  # as `/paint` and the CLI do
    assert (post.generator_backend, post.generator_model) == ("flat", "flat-xl")
    await sign_in(http, "alice")
    compose = await page(http, "/compose")
    assert '<option value="flat" selected>Flat XL</option>' in compose
    assert "Painted by <strong>Flat XL</strong> unless you choose another model" in compose
    path = await _paint(http, "a windmill at noon")
    await _finished(http, path)
    assert (await _row(svc, int(GENERATION.match(path).group(1)))).model == "flat-xl"  # type: ignore[union-attr]

    await sign_in(http, "root")
    await _save_default(http, "nope", 422)
    await _save_default(http, "main")
    async with svc.reads() as session:
        assert "default_model" not in await moderation.overrides(session)  # the file's again
    post = await make_post(svc, Draft("alice", "a windmill"))
    assert post.generator_backend == "builtin"
