"""The settings pages between two real Impasto servers: alice changes her profile on her
server's page (name, bio, a field, an uploaded avatar) and bob's server, where bob follows
her, gets the actor Update and keeps the new name and avatar; she blocks bob from the page by his
user@host name and his server hears the Block."""

from __future__ import annotations

import asyncio
import io
import sys
from typing import Any

import pytest
import requests
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Block
from tests.support.inspect import query
from tests.support.oauth import PASSWORD, csrf_of
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for


def _signed_in(a: Instance, monkeypatch: pytest.MonkeyPatch) -> requests.Session:
    """A browser session of alice on her server (her password set first)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    a.cli("user", "password", a.user)
    browser = requests.Session()
    form = {"csrf_token": csrf_of(browser.get(f"{a.base}/auth/sign_in", timeout=10).text)}
    form |= {"username": a.user, "password": PASSWORD}
    answer = browser.post(f"{a.base}/auth/sign_in", data=form, timeout=10)
    assert answer.status_code == 200 and "Sign out" in answer.text
    return browser


def _alice_seen_by(b: Instance, a: Instance) -> Account | None:
    async def work(session: AsyncSession) -> Account | None:
        return await session.scalar(select(Account).where(Account.uri == a.actor))

    return query(b.config, work)


def _blocked_on(b: Instance, a: Instance) -> bool:
    async def work(session: AsyncSession) -> bool:
        blocker = await session.scalar(select(Account.id).where(Account.uri == a.actor))
        found = await session.scalar(select(Block.id).where(Block.account_id == blocker))
        return found is not None

    return query(b.config, work)


async def test_a_profile_change_and_a_block_reach_the_other_server(
    pair: tuple[Instance, Instance], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    await asyncio.to_thread(follow, b, a)
    before = await asyncio.to_thread(_alice_seen_by, b, a)
    assert before is not None and before.display_name == "Alice"
    browser = await asyncio.to_thread(_signed_in, a, monkeypatch)
    page = await asyncio.to_thread(browser.get, f"{a.base}/settings/profile", timeout=10)
    picture = io.BytesIO()
    Image.new("RGB", (200, 200), "orange").save(picture, "PNG")
    form: dict[str, Any] = {
        "csrf_token": csrf_of(page.text),
        "display_name": "Alice Painter",
        "note": "Lighthouses, mostly.",
        "field_name_0": "Site",
        "field_value_0": "https://alice.example",
    }
    files = {"avatar": ("me.png", picture.getvalue(), "image/png")}
    saved = await asyncio.to_thread(
        browser.post, f"{a.base}/settings/profile", data=form, files=files, timeout=30
    )
    assert saved.status_code == 200 and "Your profile was saved." in saved.text

    def updated() -> Account | None:
        seen = _alice_seen_by(b, a)
        return seen if seen is not None and seen.display_name == "Alice Painter" else None

    seen = await asyncio.to_thread(wait_for, updated, 30)
    # What a server keeps of a remote actor: its name and avatar (not yet its bio or fields).
    assert seen.icon_url and seen.icon_url.startswith(f"{a.base}/")
    assert seen.icon_url != before.icon_url

    token = csrf_of(saved.text)
    bob = b.handle
    blocked = await asyncio.to_thread(
        browser.post, f"{a.base}/@{bob}/block", data={"csrf_token": token}, timeout=10
    )
    assert blocked.status_code == 200 and blocked.url == f"{a.base}/settings/blocks"
    assert f"@{bob}" in blocked.text
    assert await asyncio.to_thread(wait_for, lambda: _blocked_on(b, a), 30)
