"""Delete from other servers: only the author removes a note, only the actor itself removes an
account (and everything of theirs); a deleted account's farewell is answered without its key."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from quart.typing import TestClientProtocol as Client
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain.deletes import on_delete
from fedi.media.files import new_file_name, write_file
from storage import accounts, early_deletes
from storage.models import (
    Account,
    EarlyDelete,
    InboxActivity,
    MediaAttachment,
    Mention,
    Notification,
    Post,
    PostTag,
    Reaction,
)
from storage.timeutil import utcnow
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _mentioning(actor: PeerActor, n: int, alice: str) -> dict[str, Any]:
    note = {
        "id": f"{actor.id}/notes/{n}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>hello {n}</p>",
        "to": [f"{AS}#Public"],
        "tag": [{"type": "Mention", "href": alice}],
    }
    return activity("Create", actor, note, n)


def _state(server: Server) -> dict[str, Any]:
    async def read(session: AsyncSession) -> dict[str, Any]:
        rows = await session.execute(select(Post.uri, Post.deleted_at.is_not(None)))
        done = await session.scalar(select(func.count()).where(InboxActivity.state != "pending"))
        names = set((await session.execute(select(Account.username))).scalars())
        return {"posts": {uri: gone for uri, gone in rows}, "handled": done, "accounts": names}

    return query(server.config, read)


async def test_only_owners_delete(server: Server, remote: Peer) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox, alice = f"{server.base}/inbox", f"{server.base}/users/alice"
    first, second = f"{mallory.id}/notes/1", f"{mallory.id}/notes/2"
    for n in (1, 2):
        assert await deliver(mallory, inbox, _mentioning(mallory, n, alice)) == 202
    await asyncio.to_thread(wait_for, lambda: len(_state(server)["posts"]) == 2)

    assert await deliver(trent, inbox, activity("Delete", trent, first, 1)) == 202  # not his
    tombstone = {"id": first, "type": "Tombstone"}
    assert await deliver(mallory, inbox, activity("Delete", mallory, tombstone, 2)) == 202
    await asyncio.to_thread(wait_for, lambda: _state(server)["handled"] >= 4)
    state = await asyncio.to_thread(_state, server)
    assert state["posts"] == {first: True, second: False}  # a tombstone; the other stands

    # trent cannot delete mallory's account; mallory can, and everything of hers goes.
    assert await deliver(trent, inbox, activity("Delete", trent, mallory.id, 3)) == 202
    await asyncio.to_thread(wait_for, lambda: _state(server)["handled"] >= 5)
    assert "mallory" in (await asyncio.to_thread(_state, server))["accounts"]
    assert await deliver(mallory, inbox, activity("Delete", mallory, mallory.id, 4)) == 202
    await asyncio.to_thread(wait_for, lambda: "mallory" not in _state(server)["accounts"])
    assert (await asyncio.to_thread(_state, server))["posts"] == {}


async def test_a_deleted_accounts_farewell_is_accepted_without_its_key(
    server: Server, remote: Peer
) -> None:
    ghost = remote.add_actor("ghost")
    del remote.actors["ghost"]  # its server now answers 404 for the actor and its key
    inbox = f"{server.base}/inbox"
    assert await deliver(ghost, inbox, activity("Delete", ghost, ghost.id, 1)) == 202
    # Anything else from an unknown key is still refused.
    assert (
        await deliver(ghost, inbox, activity("Follow", ghost, f"{server.base}/users/alice", 1))
        == 401
    )


BASE = "http://127.0.0.1:9/users"


async def _mallorys_post(svc: Services) -> tuple[str, int]:
    """mallory's cached image post, liked by alice, mentioning her, tagged and notified of;
    returns the image's file name and the post's id."""
    file_name = new_file_name("png")
    write_file(svc.media_dir, file_name, b"\x89PNG cached copy")
    base = BASE
    async with svc.sessions.begin() as session:
        alice = await accounts.local_account(session, "alice")
        assert alice is not None
        mallory, trent = (
            Account(
                uri=f"{base}/{name}",
                username=name,
                domain="127.0.0.1:9",
                inbox_url=f"{base}/{name}/inbox",
                public_key_id=f"{base}/{name}#main-key",
                public_key_pem="-",
            )
            for name in ("mallory", "trent")
        )
        session.add_all([mallory, trent])
        await session.flush()
        post = Post(uri=f"{mallory.uri}/notes/1", account_id=mallory.id, local=False)
        post.content_html = "<p>@alice #cats</p>"
        session.add(post)
        await session.flush()
        session.add_all(
            [
                MediaAttachment(
                    post_id=post.id,
                    account_id=mallory.id,
                    file_name=file_name,
                    remote_url=f"{mallory.uri}/1.png",
                    media_type="image/png",
                ),
                Reaction(
                    kind="like", uri=f"{alice.uri}#likes/1", account_id=alice.id, post_id=post.id
                ),
                Mention(post_id=post.id, account_id=alice.id),
                PostTag(post_id=post.id, name="cats"),
                Notification(
                    account_id=alice.id,
                    kind="mention",
                    from_account_id=mallory.id,
                    post_id=post.id,
                    source_uri=post.uri,
                ),
            ]
        )
    return file_name, post.id


async def test_a_deleted_remote_post_leaves_nothing_behind(
    client: tuple[Client, Services],
) -> None:
    """Its cached image file, reactions, hashtags, mentions and notifications go with it, as
    for a local delete; only its author deletes it, and a second Delete changes nothing."""
    _, svc = client
    file_name, post_id = await _mallorys_post(svc)
    base, note = BASE, f"{BASE}/mallory/notes/1"

    def delete(actor: str, n: int) -> Activity:
        return Activity(f"{actor}#delete/{n}", "Delete", actor, note, None, (), ())

    async def left() -> dict[str, int]:
        async with svc.reads() as session:
            counts = {}
            for table in (MediaAttachment, Reaction, Mention, PostTag, Notification):
                stmt = select(func.count()).select_from(table).where(table.post_id == post_id)
                counts[table.__tablename__] = int(await session.scalar(stmt) or 0)
            return counts

    before = await left()
    await on_delete(svc, delete(f"{base}/trent", 1))  # not his
    assert await left() == before and (svc.media_dir / file_name).exists()

    for n in (2, 3):  # the second Delete finds a tombstone
        await on_delete(svc, delete(f"{base}/mallory", n))
        assert set((await left()).values()) == {0}
        assert not (svc.media_dir / file_name).exists()
        async with svc.reads() as session:
            stored = await session.get(Post, post_id)
            assert stored is not None and stored.deleted_at is not None
            assert stored.content_html == ""


async def test_a_deleted_remote_actor_takes_its_cached_images(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    file_name, post_id = await _mallorys_post(svc)
    mallory, trent = f"{BASE}/mallory", f"{BASE}/trent"

    def delete(actor: str, target: str) -> Activity:
        return Activity(f"{actor}#delete/1", "Delete", actor, target, None, (), ())

    await on_delete(svc, delete(trent, mallory))  # not his to delete
    assert (svc.media_dir / file_name).exists()
    await on_delete(svc, delete(mallory, mallory))
    assert not (svc.media_dir / file_name).exists()
    async with svc.reads() as session:
        assert await session.get(Post, post_id) is None
        assert await accounts.by_uri(session, mallory) is None


async def test_a_delete_that_overtook_its_create_keeps_the_note_away(
    server: Server, remote: Peer
) -> None:
    """Deliveries are not ordered: as Mastodon, a Delete of a note not here yet is kept for a
    few hours, and the late Create is then not stored. Only a Delete from the note's own
    server counts, and only for those hours."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    other = await Peer().start()
    try:
        eve = other.add_actor("eve")
        deleted, kept, old = (f"{mallory.id}/notes/{n}" for n in (1, 2, 3))
        tombstone = {"id": deleted, "type": "Tombstone"}
        await deliver_handled(server, mallory, activity("Delete", mallory, tombstone, 1))
        await deliver_handled(server, eve, activity("Delete", eve, kept, 1))  # not her server's
        await deliver_handled(server, mallory, activity("Delete", mallory, old, 2))
        await asyncio.to_thread(query, server.config, _age_marks, write=True)
        for n in (1, 2, 3):
            await deliver_handled(server, mallory, _mentioning(mallory, n, alice))
        assert (await asyncio.to_thread(_state, server))["posts"] == {kept: False, old: False}
    finally:
        await other.stop()


async def _age_marks(session: AsyncSession) -> None:
    """Make the mark of notes/3 older than the hours it is kept."""
    await session.execute(
        update(EarlyDelete)
        .where(EarlyDelete.uri.endswith("/notes/3"))
        .values(created_at=utcnow() - early_deletes.KEPT - timedelta(minutes=1))
    )
    await session.commit()
