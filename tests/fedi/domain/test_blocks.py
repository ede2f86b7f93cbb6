"""User blocks against a fake peer: a local block ends both follows and is sent as a Block;
while it lasts the blocked account's follows are rejected and its likes, mentions and
notifications do not reach the blocker. A remote Block ends the follows too, and only the
blocker may lift it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Block, Follow, Post, Reaction
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, activity
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _state(server: Server) -> dict[str, Any]:
    async def read(session: AsyncSession) -> dict[str, Any]:
        follower, target = Account.__table__.alias(), Account.__table__.alias()
        follows = await session.execute(
            select(follower.c.username, target.c.username, Follow.state)
            .join(follower, follower.c.id == Follow.follower_id)
            .join(target, target.c.id == Follow.target_id)
        )
        blocks = await session.execute(
            select(follower.c.username, target.c.username, Block.uri)
            .join(follower, follower.c.id == Block.account_id)
            .join(target, target.c.id == Block.target_id)
        )
        reactions = await session.scalar(select(Reaction.id).limit(1))
        remote_posts = await session.execute(select(Post.uri).where(Post.local.is_(False)))
        return {
            "follows": {(a, b): state for a, b, state in follows},
            "blocks": {(a, b): uri for a, b, uri in blocks},
            "reacted": reactions is not None,
            "posts": set(remote_posts.scalars()),
        }

    return query(server.config, read)


def _sent(remote: Peer, kind: str) -> list[dict[str, Any]]:
    return [r.json for r in remote.received if r.json["type"] == kind]


def _notifications(server: Server) -> list[tuple[str, str]]:
    out = run_cli(server.config, "notifications", "alice", "--json")
    return [(n["type"], n["account"].split("@")[0]) for n in json.loads(out)]


async def test_a_local_block_cuts_the_account_off_until_unblocked(
    server: Server, remote: Peer
) -> None:
    mallory = remote.actors["mallory"]
    alice = f"{server.base}/users/alice"
    page = (await asyncio.to_thread(run_cli, server.config, "post", "alice", "a heron")).strip()
    note = await asyncio.to_thread(
        server.get, page.removeprefix(server.base), "application/activity+json"
    )
    # They follow each other (ours stays pending: the peer never accepts).
    follow = activity("Follow", mallory, alice, 1)
    await deliver_handled(server, mallory, follow)
    await asyncio.to_thread(run_cli, server.config, "follow", "alice", mallory.id)
    state = await asyncio.to_thread(_state, server)
    assert state["follows"] == {("mallory", "alice"): "accepted", ("alice", "mallory"): "pending"}

    out = await asyncio.to_thread(run_cli, server.config, "block", "alice", mallory.id)
    assert out.strip() == f"blocked {mallory.id}"
    listed = await asyncio.to_thread(run_cli, server.config, "blocks", "alice")
    assert listed.split() == [f"mallory@127.0.0.1:{remote.port}", mallory.id]
    state = await asyncio.to_thread(_state, server)
    assert state["follows"] == {}
    # As Mastodon: our follow is undone, theirs rejected, then the Block.
    block = await asyncio.to_thread(wait_for, lambda: _sent(remote, "Block"))
    assert block[0]["actor"] == alice and block[0]["object"] == mallory.id
    assert [u["object"]["type"] for u in _sent(remote, "Undo")] == ["Follow"]
    rejects = _sent(remote, "Reject")
    assert [r["object"]["id"] for r in rejects] == [follow["id"]]

    # While blocked: a new Follow is rejected, a like is not kept, a note only for alice is
    # not kept and tells her nothing; one for bob too is kept for bob.
    await deliver_handled(server, mallory, activity("Follow", mallory, alice, 2))
    await deliver_handled(server, mallory, activity("Like", mallory, note["id"], 1))
    await asyncio.to_thread(run_cli, server.config, "user", "create", "bob")
    for n, mentioned in ((1, [alice]), (2, [alice, f"{server.base}/users/bob"])):
        mention = {
            "id": f"{mallory.id}/notes/{n}",
            "type": "Note",
            "attributedTo": mallory.id,
            "content": "<p>hey</p>",
            "to": [f"{AS}#Public"],
            "tag": [{"type": "Mention", "href": href} for href in mentioned],
        }
        await deliver_handled(server, mallory, activity("Create", mallory, mention, n))
    state = await asyncio.to_thread(_state, server)
    assert state["follows"] == {} and state["reacted"] is False
    assert state["posts"] == {f"{mallory.id}/notes/2"}
    assert await asyncio.to_thread(_notifications, server) == [("follow", "mallory")]
    assert len(_sent(remote, "Reject")) == 2

    await asyncio.to_thread(run_cli, server.config, "unblock", "alice", mallory.id)
    undo = await asyncio.to_thread(
        wait_for, lambda: [u for u in _sent(remote, "Undo") if u["object"]["type"] == "Block"]
    )
    assert undo[0]["object"] == block[0]  # the original Block, embedded
    # Neither is published: only the blocked account was told (Mastodon does not serve them).
    for sent in (block[0], undo[0]):
        path = sent["id"].removeprefix(server.base)
        status = (await asyncio.to_thread(server.get_raw, path, "application/activity+json"))[0]
        assert status == 404
    await deliver_handled(server, mallory, activity("Follow", mallory, alice, 3))
    state = await asyncio.to_thread(_state, server)
    assert state["follows"] == {("mallory", "alice"): "accepted"}


async def test_a_remote_block_ends_follows_and_only_its_author_lifts_it(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    alice = f"{server.base}/users/alice"
    await deliver_handled(server, mallory, activity("Follow", mallory, alice, 1))
    await asyncio.to_thread(run_cli, server.config, "follow", "alice", mallory.id)
    assert len((await asyncio.to_thread(_state, server))["follows"]) == 2

    block = activity("Block", mallory, alice, 1)
    await deliver_handled(server, mallory, block)
    again = block | {"id": f"{mallory.id}#block/again"}
    await deliver_handled(server, mallory, again)  # idempotent
    state = await asyncio.to_thread(_state, server)
    assert state["follows"] == {}
    assert state["blocks"] == {("mallory", "alice"): block["id"]}

    # trent cannot lift mallory's block: neither by its id nor by pretending to be her.
    await deliver_handled(server, trent, activity("Undo", trent, block, 1))
    await deliver_handled(server, trent, activity("Undo", trent, block["id"], 2))
    await deliver_handled(server, trent, activity("Undo", trent, block | {"actor": trent.id}, 3))
    assert (await asyncio.to_thread(_state, server))["blocks"] == {
        ("mallory", "alice"): block["id"]
    }

    await deliver_handled(server, mallory, activity("Undo", mallory, block, 1))
    assert (await asyncio.to_thread(_state, server))["blocks"] == {}
