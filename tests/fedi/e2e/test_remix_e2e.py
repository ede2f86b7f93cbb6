"""Remixing across two Impasto servers: bob on B (following alice on A) opens alice's post on
B's pages, remixes it from its "Prompt:" line through the compose pages, and publishes; his
post links hers, reaches A though alice does not follow bob, and her post's page on A lists
it, linking its page there."""

from __future__ import annotations

import asyncio
import io
import sys
import time
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Post
from tests.support.html import elements
from tests.support.inspect import query
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for
from tests.support.web_session import ok, signed_in

AS2 = "application/activity+json"


def _stored(instance: Instance, uri: str) -> Post | None:
    async def read(session: AsyncSession) -> Post | None:
        return await session.scalar(select(Post).where(Post.uri == uri))

    return query(instance.config, read)


def _remix(instance: Instance, web: requests.Session, post_id: int, prompt: str) -> str:
    """Paint a remix of the post from /compose?remix=<id> and publish it; its page's path."""
    base = instance.base
    compose = ok(web.get(f"{base}/compose?remix={post_id}", timeout=10)).text
    assert "Remixing" in compose
    assert f'href="{base}/posts/{post_id}">this picture' in compose  # its page here
    form = {"csrf_token": csrf_of(compose), "prompt": prompt, "aspect_ratio": "1:1"}
    painting = ok(
        web.post(f"{base}/compose", data={**form, "remix": str(post_id)}, allow_redirects=False),
        303,
    ).headers["Location"]
    preview = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        preview = ok(web.get(urljoin(base, painting), timeout=10)).text
        if "Painting your picture" not in preview:
            break
        time.sleep(0.2)
    assert "It will link the picture it remixes" in preview
    publish = urljoin(base, painting.split("?")[0] + "/publish")
    fields = {"csrf_token": csrf_of(preview), "alt_text": "a fox", "remix": str(post_id)}
    done = ok(web.post(publish, data=fields, allow_redirects=False), 303)
    return str(done.headers["Location"])


async def test_a_remix_on_b_is_listed_under_its_source_on_a(
    pair: tuple[Instance, Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    await asyncio.to_thread(follow, b, a)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    await asyncio.to_thread(b.cli, "user", "password", "bob")
    source_url = await asyncio.to_thread(a.post, "a lighthouse & a gull at dusk")
    source: dict[str, Any] = await asyncio.to_thread(
        a.server.get, source_url.removeprefix(a.base), AS2
    )
    on_b: Post = await asyncio.to_thread(wait_for, lambda: _stored(b, source["id"]))

    # B's page of alice's post offers her prompt and a remix of it.
    web = await asyncio.to_thread(signed_in, b)
    html = ok(await asyncio.to_thread(web.get, f"{b.base}/posts/{on_b.id}")).text
    links = [anchor.attrs["href"] for anchor in elements(html, "a")]
    assert "/compose?prompt=a%20lighthouse%20%26%20a%20gull%20at%20dusk" in links
    assert f"/compose?remix={on_b.id}" in links

    remix_path = await asyncio.to_thread(_remix, b, web, on_b.id, "a lighthouse in snow")
    remix: dict[str, Any] = await asyncio.to_thread(b.server.get, remix_path, AS2)
    assert f'<p>Remix of <a href="{source["id"]}"' in remix["content"]
    on_b_remix = await asyncio.to_thread(_stored, b, remix["id"])
    assert on_b_remix is not None and on_b_remix.remix_of_uri == source["id"]

    # A keeps it (alice does not follow bob) as a remix of her post, and her page lists it.
    on_a: Post = await asyncio.to_thread(wait_for, lambda: _stored(a, remix["id"]))
    assert on_a.remix_of_uri == source["id"] and not on_a.local
    page = ok(await asyncio.to_thread(requests.get, source_url, timeout=10)).text
    listed = page[page.index('class="remixes"') :]
    first = next(anchor.attrs["href"] for anchor in elements(listed, "a"))
    assert first == f"/posts/{on_a.id}"
    assert "a lighthouse in snow" in listed and f"@bob@{b.base.removeprefix('http://')}" in listed
