"""Likes and boosts from other servers: counted on the Note once each, undone only by whoever
made them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxActivity
from tests.support.inspect import query
from tests.support.peer import Peer, activity, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _handled(server: Server, count: int) -> bool:
    async def read(session: AsyncSession) -> bool:
        stmt = select(func.count()).where(InboxActivity.state != "pending")
        return int((await session.execute(stmt)).scalar_one()) >= count

    return query(server.config, read)


@pytest.mark.parametrize(("kind", "collection"), [("Like", "likes"), ("Announce", "shares")])
async def test_reactions_count_once_and_only_their_author_undoes_them(
    server: Server, remote: Peer, kind: str, collection: str
) -> None:
    post_url = (
        await asyncio.to_thread(run_cli, server.config, "post", "alice", "a red kite")
    ).strip()
    page = post_url.removeprefix(server.base)
    note = await asyncio.to_thread(server.get, page, "application/activity+json")
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox = f"{server.base}/inbox"

    def count() -> int:
        """The count the Note shows, once its collection agrees (the worker may be between
        the two reads)."""

        def agreed() -> int | None:
            doc = server.get(note["id"].removeprefix(server.base), "application/activity+json")
            counted = server.get(f"{note['id'].removeprefix(server.base)}/{collection}")
            total = int(doc[collection]["totalItems"])
            return total + 1 if counted["totalItems"] == total else None

        return int(wait_for(agreed)) - 1

    reaction = activity(kind, mallory, note["id"], 1)
    sent = [
        reaction,
        reaction,  # the same activity again
        activity(kind, mallory, note["id"], 2),  # the same reaction under another id
        activity(kind, mallory, "https://elsewhere.example/notes/1", 3),  # not ours
        activity("Undo", trent, reaction, 1),  # trent cannot undo mallory's
        activity("Undo", trent, {**reaction, "actor": trent.id}, 2),  # nor by pretending
    ]
    for sending in sent:
        assert (
            await deliver(trent if sending["actor"] == trent.id else mallory, inbox, sending) == 202
        )
    await asyncio.to_thread(wait_for, lambda: _handled(server, 5))
    assert await asyncio.to_thread(count) == 1

    assert await deliver(mallory, inbox, activity("Undo", mallory, reaction, 3)) == 202
    await asyncio.to_thread(wait_for, lambda: count() == 0)
