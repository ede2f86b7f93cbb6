"""Two Impasto servers: alice (A) edits and pins a post bob (B) follows her for, then blocks
bob (the follow ends on both sides, his like does nothing) and unblocks him (he can follow
again)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.core.settings import load_settings
from storage.models import Block, Follow, MediaAttachment, Post, Reaction
from tests.support.inspect import query
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _copy(instance: Instance, uri: str) -> dict[str, Any] | None:
    """What an instance stores of a post: content, updated time, alt text."""

    async def read(session: AsyncSession) -> dict[str, Any] | None:
        post = await session.scalar(select(Post).where(Post.uri == uri))
        if post is None:
            return None
        alt = await session.scalar(
            select(MediaAttachment.description).where(MediaAttachment.post_id == post.id)
        )
        return {"content": post.content_html, "updated": post.updated_at, "alt": alt}

    return query(instance.config, read)


def _count(instance: Instance, model: type[Follow] | type[Block] | type[Reaction]) -> int:
    async def read(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return query(instance.config, read)


def _note_of(instance: Instance, page: str) -> dict[str, Any]:
    doc: dict[str, Any] = instance.server.get(page.removeprefix(instance.base), AS2)
    return doc


def _edit_and_pin(a: Instance, b: Instance) -> None:
    follow(b, a)
    page = a.post("a lighthouse at dusk", "--caption", "first words", "--alt", "old alt")
    note_id = _note_of(a, page)["id"]
    wait_for(lambda: _copy(b, note_id))

    a.cli("edit", "alice", page, "--caption", "second <words>", "--alt", "A red lighthouse")
    edited = _note_of(a, page)
    assert edited["updated"] and "second &lt;words&gt;" in edited["content"]
    assert "Made with" in edited["content"]  # the model line is kept
    copy = wait_for(lambda: (c := _copy(b, note_id)) and c["updated"] and c)
    assert copy["content"] == edited["content"] and copy["alt"] == "A red lighthouse"
    assert copy["updated"].isoformat().replace("+00:00", "Z") == edited["updated"]

    a.cli("pin", "alice", page)
    # B reads alice's featured collection with its own signed fetch, as Mastodon does when it
    # fetches an actor.
    featured = _fetch_from(b, _fetch_from(b, a.actor)["featured"])
    assert featured["type"] == "OrderedCollection"
    assert [item["id"] for item in featured["orderedItems"]] == [note_id]
    assert featured["orderedItems"][0]["content"] == copy["content"]


def _fetch_from(instance: Instance, url: str) -> dict[str, Any]:
    """GET an AS2 document through the instance's own outbound client (signed, id checked)."""

    async def fetch() -> dict[str, Any]:
        svc = Services.create(load_settings(instance.config))
        try:
            return await svc.http.get_json(url, signer=await svc.instance_signer())
        finally:
            await svc.close()

    return asyncio.run(fetch())


async def test_an_edit_and_a_pin_reach_the_follower(pair: tuple[Instance, Instance]) -> None:
    await asyncio.to_thread(_edit_and_pin, *pair)


def _block_and_unblock(a: Instance, b: Instance) -> None:
    follow(b, a)
    page = a.post("a kite over the sea")
    note_id = _note_of(a, page)["id"]
    wait_for(lambda: _copy(b, note_id))

    assert a.cli("block", "alice", b.handle).strip() == f"blocked {b.handle}"
    assert _count(a, Follow) == 0
    wait_for(lambda: _count(b, Follow) == 0 and _count(b, Block) == 1)  # B heard of it

    # B heard of the block, so bob's own server refuses to like across it (as Mastodon); A would
    # drop such a Like anyway (tests/fedi/domain/test_blocks.py sends one from a fake peer).
    with pytest.raises(RuntimeError, match="blocks bob: you cannot like their post"):
        b.cli("like", "bob", note_id)
    assert _count(b, Reaction) == 0 and _count(a, Reaction) == 0
    kinds = [n["type"] for n in a.cli_json("notifications", "alice")]
    assert kinds == ["follow"]  # bob's follow, from before the block; nothing since

    # No following across a block, from either side (as Mastodon).
    with pytest.raises(RuntimeError, match="has blocked bob"):
        b.cli("follow", "bob", a.handle)
    with pytest.raises(RuntimeError, match="unblock first"):
        a.cli("follow", "alice", b.handle)

    a.cli("unblock", "alice", b.handle)
    wait_for(lambda: _count(b, Block) == 0)
    follow(b, a)  # accepted again
    assert _count(a, Follow) == 1


async def test_a_block_cuts_the_follower_off_until_unblocked(
    pair: tuple[Instance, Instance],
) -> None:
    await asyncio.to_thread(_block_and_unblock, *pair)
