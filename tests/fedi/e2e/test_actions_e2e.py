"""Likes, boosts, their Undo, deleting a post and deleting an account, between two real
Impasto servers: what one side does, the other side counts, notifies and removes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Post
from tests.support.inspect import query
from tests.support.pair import Instance, follow
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _note(owner: Instance, page_url: str) -> dict[str, Any]:
    """The Note of a post, fetched from its own server by its page URL."""
    doc: dict[str, Any] = owner.server.get(page_url.removeprefix(owner.base), AS2)
    return doc


def _counts(owner: Instance, note_id: str) -> tuple[int, int]:
    doc = owner.server.get(note_id.removeprefix(owner.base), AS2)
    return doc["likes"]["totalItems"], doc["shares"]["totalItems"]


def _timeline(instance: Instance) -> list[str]:
    return [entry["uri"] for entry in instance.cli_json("timeline", instance.user)]


def _notified(instance: Instance) -> list[tuple[str, str, str | None]]:
    """Like and boost notifications: (type, who, which post)."""
    return sorted(
        (entry["type"], entry["account_uri"], entry["status"])
        for entry in instance.cli_json("notifications", instance.user)
        if entry["type"] in ("like", "boost")
    )


def _status(instance: Instance, url: str) -> int:
    return instance.server.get_raw(url.removeprefix(instance.base), AS2)[0]


def _activity_id(output: str) -> str:
    """The activity id `impasto like|boost|…` prints last."""
    return output.strip().rsplit(": ", 1)[1]


def _react_and_undo(actor: Instance, owner: Instance, reference: str, note_id: str) -> None:
    """actor likes and boosts owner's post, owner sees both, then actor takes both back."""
    like = _activity_id(actor.cli("like", actor.user, reference))
    actor.cli("boost", actor.user, reference)
    actor.cli("like", actor.user, reference)  # again: nothing new
    wait_for(lambda: _counts(owner, note_id) == (1, 1))
    assert _notified(owner) == [("boost", actor.actor, note_id), ("like", actor.actor, note_id)]
    assert _status(actor, like) == 200  # the Like can be fetched where it was made

    actor.cli("unlike", actor.user, reference)
    actor.cli("unboost", actor.user, reference)
    wait_for(lambda: _counts(owner, note_id) == (0, 0))
    assert _notified(owner) == []
    assert _status(actor, like) == 410  # undone: it no longer stands
    with pytest.raises(RuntimeError, match="nothing to undo"):  # exit 2, saying why
        actor.cli("unlike", actor.user, reference)


def _reactions_both_ways(a: Instance, b: Instance) -> None:
    follow(b, a)
    follow(a, b)
    alices = _note(a, a.post("a red kite over a field"))
    wait_for(lambda: alices["id"] in _timeline(b))
    _react_and_undo(b, a, alices["id"], alices["id"])

    bobs_page = b.post("a green hill under rain")
    bobs = _note(b, bobs_page)
    wait_for(lambda: bobs["id"] in _timeline(a))
    _react_and_undo(a, b, bobs_page, bobs["id"])  # named by its page URL this time


async def test_likes_and_boosts_both_ways_are_counted_notified_and_undone(
    pair: tuple[Instance, Instance],
) -> None:
    await asyncio.to_thread(_reactions_both_ways, *pair)


def _account_and_posts(instance: Instance, actor: str) -> tuple[bool, list[str]]:
    async def read(session: AsyncSession) -> tuple[bool, list[str]]:
        account = await session.scalar(select(Account).where(Account.uri == actor))
        stmt = select(Post.uri).join(Account).where(Account.uri == actor)
        return account is not None, list((await session.execute(stmt)).scalars())

    return query(instance.config, read)


def _deletions(a: Instance, b: Instance) -> None:
    follow(b, a)
    follow(a, b)
    alices = _note(a, a.post("a lighthouse at dusk"))
    wait_for(lambda: alices["id"] in _timeline(b))
    b.cli("boost", b.user, alices["id"])
    wait_for(lambda: _counts(a, alices["id"]) == (0, 1))

    a.cli("delete", a.user, alices["id"])
    wait_for(lambda: alices["id"] not in _timeline(b))  # neither the post nor bob's boost
    assert _account_and_posts(b, a.actor) == (True, [alices["id"]])  # a tombstone is kept
    status, _, body = a.server.get_raw(alices["id"].removeprefix(a.base), AS2)
    assert status == 410 and b'"Tombstone"' in body
    assert a.server.get("/users/alice/outbox", AS2)["totalItems"] == 0

    bobs = _note(b, b.post("a green hill under rain"))
    wait_for(lambda: bobs["id"] in _timeline(a))
    b.cli("user", "delete", b.user)
    wait_for(lambda: _account_and_posts(a, b.actor) == (False, []))
    assert bobs["id"] not in _timeline(a)
    assert _status(b, b.actor) == 410
    webfinger = f"/.well-known/webfinger?resource=acct:{b.handle}"
    assert b.server.get_raw(webfinger)[0] == 404


async def test_a_deleted_post_and_a_deleted_account_go_on_the_other_side(
    pair: tuple[Instance, Instance],
) -> None:
    await asyncio.to_thread(_deletions, *pair)
