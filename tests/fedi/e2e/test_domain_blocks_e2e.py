"""Two real Impasto servers, one of which cuts the other off: while A blocks B's domain,
nothing B sends has any effect on A and nothing of A's reaches B; after the block is lifted
the same actions work again (which shows the earlier silence was the block's doing)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import BLOCKS_TTL
from storage.models import Delivery, OutboundActivity, Post
from tests.support.inspect import query
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _refused(instance: Instance, activity_type: str) -> list[int | None]:
    """Statuses of the instance's finished deliveries of one activity type that failed."""

    async def read(session: AsyncSession) -> list[int | None]:
        rows = await session.execute(
            select(Delivery.last_status)
            .join(OutboundActivity, OutboundActivity.id == Delivery.activity_id)
            .where(OutboundActivity.activity_type == activity_type, Delivery.state == "failed")
        )
        return list(rows.scalars())

    return query(instance.config, read)


def _pending(instance: Instance, activity_type: str) -> int:
    """The instance's deliveries of one activity type not yet delivered or given up."""

    async def read(session: AsyncSession) -> int:
        rows = await session.execute(
            select(Delivery.id)
            .join(OutboundActivity, OutboundActivity.id == Delivery.activity_id)
            .where(OutboundActivity.activity_type == activity_type, Delivery.state == "pending")
        )
        return len(list(rows.scalars()))

    return query(instance.config, read)


def _stored(instance: Instance, uri: str) -> bool:
    async def read(session: AsyncSession) -> bool:
        return await session.scalar(select(Post.id).where(Post.uri == uri)) is not None

    return query(instance.config, read)


def _likes(owner: Instance, note_id: str) -> int:
    doc: dict[str, Any] = owner.server.get(note_id.removeprefix(owner.base), AS2)
    return int(doc["likes"]["totalItems"])


def _cut_off_and_restored(a: Instance, b: Instance) -> None:
    follow(b, a)
    first = a.server.get(a.post("a harbour at noon").removeprefix(a.base), AS2)["id"]
    wait_for(lambda: _stored(b, first))
    b_host = b.base.removeprefix("http://")
    assert a.cli("admin", "block-domain", b_host).strip() == f"blocked {b_host}"
    time.sleep(BLOCKS_TTL + 0.5)  # a running server re-reads the blocked domains this often

    # Nothing in: bob's like, his unfollow and his new follow are refused (A will not even
    # fetch his key: 401) and change nothing.
    b.cli("like", "bob", first)
    b.cli("unfollow", "bob", a.handle)
    b.cli("follow", "bob", a.handle)
    wait_for(lambda: _refused(b, "Like") + _refused(b, "Undo") + _refused(b, "Follow") == [401] * 3)
    assert _likes(a, first) == 0
    assert a.server.get("/users/alice/followers")["totalItems"] == 0
    assert [n["type"] for n in a.cli_json("notifications", "alice")] == ["follow"]  # the first

    # Nothing out: alice cannot reach bob's server, and her posts are not sent there.
    bobs = b.server.get(b.post("a lane in fog").removeprefix(b.base), AS2)["id"]
    with pytest.raises(RuntimeError, match="blocked"):
        a.cli("like", "alice", bobs)
    with pytest.raises(RuntimeError, match="blocked"):
        a.cli("follow", "alice", b.handle)

    # Lifted: the same actions take effect again.
    a.cli("admin", "unblock-domain", b_host)
    time.sleep(BLOCKS_TTL + 0.5)
    b.cli("unfollow", "bob", a.handle)
    # An Undo(Follow) for a follow A never saw is matched by the pair of accounts, as
    # Mastodon's is: it must land before the new Follow or it would end that one too.
    wait_for(lambda: _pending(b, "Undo") == 0)
    follow(b, a)
    second = a.server.get(a.post("a harbour at dusk").removeprefix(a.base), AS2)["id"]
    wait_for(lambda: _stored(b, second))
    b.cli("unlike", "bob", first)
    # The Undo names the post as well, as Mastodon's does: it must land before the new Like,
    # or it would take that back too (deliveries are not ordered).
    wait_for(lambda: _pending(b, "Undo") == 0)
    b.cli("like", "bob", first)
    wait_for(lambda: _likes(a, first) == 1)


async def test_a_blocked_domain_has_no_effect_until_unblocked(
    pair: tuple[Instance, Instance],
) -> None:
    await asyncio.to_thread(_cut_off_and_restored, *pair)
