"""Reading statuses for a viewer: a thread read for nobody never makes this server fetch a
missing post; one read for a signed-in user may, within a short budget."""

from __future__ import annotations

from typing import Any

import pytest

from fedi.core.services import Services
from fedi.domain import status_reads, threads
from fedi.domain.accounts import create_user
from fedi.domain.records import RecordNotFound
from tests.support.api_scene import add_post


async def test_context_fetches_missing_ancestors_only_for_a_signed_in_viewer(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await create_user(svc, "alice")
    reply = await add_post(svc, alice.id, in_reply_to="https://gone.example/notes/1")
    asked: list[str] = []

    async def find_post(_svc: Services, uri: str, **_: Any) -> Any:
        asked.append(uri)
        raise RecordNotFound(uri)

    monkeypatch.setattr(threads, "find_post", find_post)
    anonymous = await status_reads.context(svc, None, reply)
    assert (anonymous.ancestors, anonymous.descendants, asked) == ([], [], [])
    signed_in = await status_reads.context(svc, alice, reply)
    assert signed_in.ancestors == []
    assert asked == ["https://gone.example/notes/1"]


async def test_a_followers_only_post_is_not_found_by_others(svc: Services) -> None:
    alice = await create_user(svc, "alice")
    bob = await create_user(svc, "bob")
    private = await add_post(svc, alice.id, visibility="private")
    assert (await status_reads.status(svc, alice, private)).post.id == private
    for viewer in (None, bob):
        with pytest.raises(RecordNotFound):
            await status_reads.status(svc, viewer, private)
    assert await status_reads.statuses(svc, bob, [private]) == []
