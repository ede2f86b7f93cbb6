"""Timelines and threads between two real Impasto servers: bob (on B) follows alice (on A),
reads her posts and boosts in his home timeline in publishing order, and asks for a thread
whose root his server never received."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Post
from tests.support.inspect import query
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _note_id(owner: Instance, page_url: str) -> str:
    """The Note id of a post, from its own server."""
    doc: dict[str, Any] = owner.server.get(page_url.removeprefix(owner.base), AS2)
    return str(doc["id"])


def _home(instance: Instance, *args: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = instance.cli_json("timeline", instance.user, *args)
    return result


def _stored(instance: Instance, uri: str) -> bool:
    async def read(session: AsyncSession) -> bool:
        return await session.scalar(select(Post.id).where(Post.uri == uri)) is not None

    return query(instance.config, read)


def _next_second() -> None:
    """Wait into the next whole second. `published` travels in whole seconds (as Mastodon
    writes it), so two servers' posts made within one second have no order to keep."""
    time.sleep(1.05 - time.time() % 1)


def _home_and_boosts(a: Instance, b: Instance) -> None:
    follow(b, a)
    first = _note_id(a, a.post("a lighthouse at dawn"))
    wait_for(lambda: _stored(b, first))
    _next_second()
    own = _note_id(b, b.post("a lighthouse at noon"))
    _next_second()
    second = _note_id(a, a.post("a lighthouse at dusk"))
    wait_for(lambda: len(_home(b)) == 3)
    home = _home(b)
    assert [(e["uri"], e["account"]) for e in home] == [
        (second, a.handle),
        (own, b.handle),
        (first, a.handle),
    ]
    assert all(e["boosted_by"] is None for e in home)

    # carol, on A, whom nobody on B follows: B has never heard of her post until alice boosts it.
    a.cli("user", "create", "carol")
    _next_second()  # B orders remote posts by their whole-second `published`
    carols_page = a.cli("post", "carol", "a heron in reeds").strip()
    carols = _note_id(a, carols_page)
    a.cli("boost", a.user, carols_page)
    carol = a.handle.replace(f"{a.user}@", "carol@")
    wait_for(lambda: _home(b)[0]["boosted_by"] is not None)
    boost, *rest = _home(b)
    assert (boost["uri"], boost["account"], boost["boosted_by"]) == (carols, carol, a.handle)
    assert boost["id"] != boost["post_id"] and rest == home

    # Paged from the CLI: down with --max-id, up with --min-id; nothing skipped or repeated.
    everything = [e["id"] for e in _home(b)]
    top = _home(b, "--limit", "2")
    below = _home(b, "--max-id", top[-1]["id"])
    assert [e["id"] for e in top + below] == everything
    above = _home(b, "--min-id", everything[-1], "--limit", "2")
    assert [e["id"] for e in above] == everything[-3:-1]

    # Public timelines on B: its own public posts, and every public post it has.
    assert [e["uri"] for e in _home(b, "--local")] == [own]
    assert [e["uri"] for e in _home(b, "--federated")] == [carols, second, own, first]


async def test_home_timeline_orders_posts_and_shows_boosts(pair: tuple[Instance, Instance]) -> None:
    await asyncio.to_thread(_home_and_boosts, *pair)


def _thread_across_servers(a: Instance, b: Instance) -> None:
    root = _note_id(a, a.post("a root bob never saw"))  # before bob follows: B never gets it
    follow(b, a)
    alices = _note_id(a, a.post("alice answers herself", "--reply-to", root))
    wait_for(lambda: _stored(b, alices))
    bobs = _note_id(b, b.post("bob answers alice", "--reply-to", alices))
    wait_for(lambda: _stored(a, bobs))
    again = _note_id(a, a.post("alice answers bob", "--reply-to", bobs))
    wait_for(lambda: _stored(b, again))
    assert not _stored(b, root)

    thread = b.cli_json("thread", b.user, alices)
    assert [e["uri"] for e in thread["ancestors"]] == [root]
    assert thread["post"]["uri"] == alices and thread["post"]["in_reply_to"] == root
    assert [(e["uri"], e["account"]) for e in thread["descendants"]] == [
        (bobs, b.handle),
        (again, a.handle),
    ]
    assert _stored(b, root)  # fetched from A once, kept

    # On A, from the root down; in plain text the asked-for post is marked.
    whole = a.cli_json("thread", a.user, root)
    assert whole["ancestors"] == []
    assert [e["uri"] for e in whole["descendants"]] == [alices, bobs, again]
    lines = b.cli("thread", b.user, bobs).splitlines()
    assert [line.split("\t")[1] for line in lines] == [a.handle, a.handle, b.handle, a.handle]
    assert lines[2].startswith("> ") and lines[3].startswith("    ")


async def test_a_thread_fetches_the_root_its_server_never_received(
    pair: tuple[Instance, Instance],
) -> None:
    await asyncio.to_thread(_thread_across_servers, *pair)
