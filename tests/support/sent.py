"""A local user's outgoing side, read in-process (the app runs without workers, so queued
deliveries stay in the database): remote accounts and posts added as rows, what was queued for
whom, who was notified, and what a deleted or undone object's URL answers."""

from __future__ import annotations

import json
from typing import Any

from quart.typing import TestClientProtocol as Client
from sqlalchemy import select

from fedi.core.services import Services
from storage.models import Account, Delivery, Notification, OutboundActivity, Post
from tests.support import rows

AS2 = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def remote(svc: Services, name: str, host: str) -> Account:
    """A cached remote account (on `host`, with a shared inbox there)."""
    base = f"https://{host}/users/{name}"
    account = rows.account(
        base,
        name,
        host,
        shared_inbox_url=f"https://{host}/inbox",
        followers_url=f"{base}/followers",
    )
    async with svc.sessions.begin() as session:
        session.add(account)
    return account


async def mallory_and_trent(svc: Services) -> tuple[Account, Account]:
    """mallory on remote.example, and trent on other.example, who follows alice."""
    mallory = await remote(svc, "mallory", "remote.example")
    trent = await remote(svc, "trent", "other.example")
    await follow(svc, trent, "alice")
    return mallory, trent


async def gone(http: Client, path: str) -> dict[str, Any]:
    """What the URL of something deleted or undone answers: 410 Gone, with a Tombstone."""
    response = await http.get(path, headers={"Accept": AS2})
    assert response.status_code == 410
    doc: dict[str, Any] = await response.get_json(force=True)
    assert doc["type"] == "Tombstone"
    return doc


async def remote_post(svc: Services, author: Account, n: int, visibility: str) -> Post:
    """A stored post of a remote author, its id ending in `n`."""
    post = Post(
        uri=f"{author.uri}/statuses/{n}", account_id=author.id, local=False, visibility=visibility
    )
    async with svc.sessions.begin() as session:
        session.add(post)
    return post


async def follow(svc: Services, follower: Account, target: str) -> None:
    """`follower` follows the local user named `target` (accepted)."""
    async with svc.sessions.begin() as session:
        account = await session.scalar(select(Account).where(Account.username == target))
        assert account is not None
        uri = f"{follower.uri}/follows/{target}"
        session.add(rows.accepted_follow(uri, follower.id, account.id))


async def sent(svc: Services, kind: str) -> list[tuple[dict[str, Any], list[str]]]:
    """Each queued activity of this type, oldest first, with the inboxes it is queued for."""
    async with svc.sessions() as session:
        rows = (
            await session.execute(
                select(OutboundActivity)
                .where(OutboundActivity.activity_type == kind)
                .order_by(OutboundActivity.created_at)
            )
        ).scalars()
        result = []
        for row in rows:
            inboxes = await session.execute(
                select(Delivery.inbox_url).where(Delivery.activity_id == row.id)
            )
            result.append((json.loads(row.body), sorted(inboxes.scalars())))
    return result


async def notified(svc: Services, username: str) -> list[str]:
    """The kinds of the user's notifications, sorted."""
    async with svc.sessions() as session:
        stmt = (
            select(Notification.kind)
            .join(Account, Account.id == Notification.account_id)
            .where(Account.username == username)
        )
        return sorted((await session.execute(stmt)).scalars())
