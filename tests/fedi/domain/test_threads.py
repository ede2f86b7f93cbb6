"""Threads: the chain a post answers is walked up, missing links fetched from their origin and
stored, within 20 levels and a time budget; replies below come depth-first, oldest first,
without deleted or blocked ones."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from fedi.core.services import Services
from fedi.domain import threads
from fedi.domain.lookup import find_post
from storage import posts
from storage.ids import new_id
from storage.models import Account, Block, Post
from storage.threads import descendants
from tests.support import rows
from tests.support.origin import START, Origin, running_origin


@pytest.fixture
async def origin(svc: Services, keypair: tuple[str, str]) -> AsyncIterator[Origin]:
    """A 25-note chain on a fake origin."""
    async with running_origin(svc, keypair, 25) as host:
        yield host


async def _viewer(svc: Services, name: str = "viewer") -> Account:
    account = rows.account(f"{svc.urls.base}/users/{name}", name, None)
    async with svc.sessions.begin() as session:
        session.add(account)
    return account


def _texts(entries: list[Any]) -> list[str]:
    return [entry.post.content_html for entry in entries]


async def test_missing_ancestors_are_fetched_and_stored_up_to_twenty_levels(
    svc: Services, origin: Origin
) -> None:
    viewer = await _viewer(svc)
    tip = await find_post(svc, origin.url(24))
    found = await threads.thread(svc, viewer, tip)
    # 20 levels up from note 24: notes 4 … 23, root side first; note 3 is never asked for.
    assert _texts(found.ancestors) == [f"<p>note {n}</p>" for n in range(4, 24)]
    assert found.post.post.uri == origin.url(24) and found.descendants == []
    assert sorted(origin.asked) == list(range(4, 25))

    # A post in the middle: the stored links are read, the missing ones above fetched, and
    # the stored replies below come in order.
    origin.asked.clear()
    middle = await find_post(svc, origin.url(10), fetch=False)
    again = await threads.thread(svc, viewer, middle)
    assert _texts(again.ancestors) == [f"<p>note {n}</p>" for n in range(10)]
    assert _texts(again.descendants) == [f"<p>note {n}</p>" for n in range(11, 25)]
    assert sorted(origin.asked) == [0, 1, 2, 3]
    async with svc.reads() as session:
        root = await posts.by_uri(session, origin.url(0))
    assert root is not None and root.published_at == START


async def test_the_walk_stops_quietly_at_a_gap_and_at_its_time_budget(
    svc: Services, origin: Origin
) -> None:
    viewer = await _viewer(svc)
    origin.missing.add(5)
    after_gap = await threads.thread(svc, viewer, await find_post(svc, origin.url(8)))
    assert _texts(after_gap.ancestors) == ["<p>note 6</p>", "<p>note 7</p>"]

    # Note 3 comes at once, note 2 never: the walk ends when the budget is spent. (The budget
    # is ample for fetching and storing note 3 on a loaded machine.)
    origin.hanging.add(2)
    started = time.monotonic()
    slow = await threads.thread(svc, viewer, await find_post(svc, origin.url(4)), budget=3.0)
    assert 3.0 <= time.monotonic() - started < 6.0
    assert _texts(slow.ancestors) == ["<p>note 3</p>"]


async def test_replies_come_depth_first_oldest_first_without_deleted_or_blocked(
    svc: Services,
) -> None:
    viewer = await _viewer(svc)
    pest = await _viewer(svc, "pest")
    root_uri = f"{svc.urls.base}/users/viewer/statuses/root"
    tree = [  # (name, minute, answers, author)
        ("b", 2, "root", viewer),
        ("a", 1, "root", viewer),
        ("a1", 3, "a", viewer),
        ("b1", 4, "b", viewer),
        ("a2", 5, "a", viewer),
        ("a1x", 6, "a1", viewer),
        ("c", 7, "root", pest),  # blocked: it and the replies below it stay out
        ("c1", 8, "c", viewer),
        ("d", 9, "a", viewer),  # deleted
    ]
    uri = {name: f"{root_uri}-{name}" for name, *_ in tree} | {"root": root_uri}
    stamp = START.timestamp() * 1000
    async with svc.sessions.begin() as session:
        root = Post(uri=root_uri, account_id=viewer.id, content_html="root")
        session.add(root)
        session.add(Block(uri=f"{viewer.uri}/blocks/1", account_id=viewer.id, target_id=pest.id))
        for name, minute, answers, author in tree:
            session.add(
                Post(
                    id=new_id(at_ms=int(stamp + minute * 60_000)),
                    uri=uri[name],
                    account_id=author.id,
                    content_html=name,
                    in_reply_to_uri=uri[answers],
                    deleted_at=START if name == "d" else None,
                )
            )
    found = await threads.thread(svc, viewer, root)
    assert found.ancestors == []
    assert _texts(found.descendants) == ["a", "a1", "a1x", "a2", "b", "b1"]
    async with svc.reads() as session:
        assert _texts(await descendants(session, viewer.id, root, limit=3)) == ["a", "a1", "a1x"]
        assert _texts(await descendants(session, viewer.id, root, depth=1)) == ["a", "b"]
        everyone = await descendants(session, None, root)  # no viewer: no personal blocks
        assert _texts(everyone) == ["a", "a1", "a1x", "a2", "b", "b1", "c", "c1"]
