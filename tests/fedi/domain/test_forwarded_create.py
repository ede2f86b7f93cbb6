"""Forwarded Creates (Mastodon relays replies signed with its own key): accepted only by
distrusting the embedded object. The note is fetched from its origin and kept only if it has
the id and the author the Create claims; any other activity whose signer is not its actor is
still refused."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Follow, InboxActivity, Post
from tests.support.inspect import query
from tests.support.origin import Origin
from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


@dataclass
class _Served(PeerActor):
    """A document the peer serves at /users/<name> (the peer serves nothing else by path)."""

    doc: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """The document as set."""
        return self.doc


def _serve(remote: Peer, name: str, doc: dict[str, Any] | None) -> str:
    """Serve `doc` (with its id defaulting to where it is served); returns that URL."""
    url = f"{remote.base}/users/{name}"
    if doc is not None:
        remote.actors[name] = _Served(name, remote.base, "", "", doc={"id": url, **doc})
    return url


def _note(author: PeerActor, alice: str, content: str) -> dict[str, Any]:
    return {
        "type": "Note",
        "attributedTo": author.id,
        "content": content,
        "to": [f"{AS}#Public"],
        "tag": [{"type": "Mention", "href": alice}],
    }


def _outcome(
    server: Server, activity_id: str, *, forwarded: bool = True
) -> tuple[str, str | None] | None:
    """(state, last error) once the worker has tried the activity, else None. Forwarded
    activities are kept apart from the actor's own (see fedi/receive.py)."""
    if forwarded:
        activity_id = f"forwarded:{activity_id}"

    async def read(session: AsyncSession) -> tuple[str, str | None] | None:
        row = await session.scalar(select(InboxActivity).where(InboxActivity.uri == activity_id))
        if row is None or (row.state == "pending" and row.attempts == 0):
            return None
        return row.state, row.last_error

    return query(server.config, read)


def _posts(server: Server) -> dict[str, str]:
    async def read(session: AsyncSession) -> dict[str, str]:
        return {
            uri: html for uri, html in await session.execute(select(Post.uri, Post.content_html))
        }

    return query(server.config, read)


async def _forward(server: Server, trent: PeerActor, create: dict[str, Any]) -> tuple[str, Any]:
    assert await deliver(trent, f"{server.base}/inbox", create) == 202
    return await asyncio.to_thread(wait_for, lambda: _outcome(server, create["id"]))


async def test_forwarded_create_is_refetched_and_kept_only_if_it_matches(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    alice = f"{server.base}/users/alice"

    # The real note: stored as its origin serves it, not as the forwarder embedded it.
    genuine = _serve(remote, "mallory-note-1", _note(mallory, alice, "<p>genuine</p>"))
    claimed = {"id": genuine, **_note(mallory, alice, "<p>forged</p>")}
    state, _ = await _forward(server, trent, activity("Create", mallory, claimed, 1))
    assert state == "done"
    assert (await asyncio.to_thread(_posts, server)) == {genuine: "<p>genuine</p>"}

    # Its origin serves someone else's note there: dropped.
    trents = _serve(remote, "mallory-note-2", _note(trent, alice, "<p>trent's</p>"))
    claimed = {"id": trents, **_note(mallory, alice, "<p>mallory's</p>")}
    state, error = await _forward(server, trent, activity("Create", mallory, claimed, 2))
    assert state == "failed" and "author" in (error or "")

    # Its origin serves a document with another id: dropped.
    moved = {**_note(mallory, alice, "<p>moved</p>"), "id": f"{mallory.id}/other"}
    elsewhere = _serve(remote, "mallory-note-3", moved)
    claimed = {"id": elsewhere, **_note(mallory, alice, "<p>moved</p>")}
    _, error = await _forward(server, trent, activity("Create", mallory, claimed, 3))
    assert error is not None and "id" in error

    # Nothing there at all: dropped.
    missing = _serve(remote, "mallory-note-4", None)
    claimed = {"id": missing, **_note(mallory, alice, "<p>ghost</p>")}
    state, error = await _forward(server, trent, activity("Create", mallory, claimed, 4))
    assert state == "failed" and "404" in (error or "")

    assert set(await asyncio.to_thread(_posts, server)) == {genuine}

    # A forger forwarded a Create under the id of one mallory had not made yet; when mallory's
    # own server sends it, it is not dropped as a duplicate.
    later = _serve(remote, "mallory-note-5", _note(mallory, alice, "<p>later</p>"))
    real = activity("Create", mallory, {"id": later, **_note(mallory, alice, "<p>later</p>")}, 5)
    assert await deliver(mallory, f"{server.base}/inbox", real) == 202
    await asyncio.to_thread(wait_for, lambda: _outcome(server, real["id"], forwarded=False))
    assert later in await asyncio.to_thread(_posts, server)

    # A forwarded Create whose id is not on its actor's server is refused outright, as any
    # activity whose id is not (tests/fedi/federation/test_inbox_security.py).
    foreign = {**activity("Create", mallory, claimed, 6), "id": "https://elsewhere.example/c/6"}
    assert await deliver(trent, f"{server.base}/inbox", foreign) == 400


async def test_other_activities_signed_by_someone_else_are_refused(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    page = f"{server.base}/users/alice/statuses/1"
    forwarded_like = activity("Like", mallory, page, 1)
    assert await deliver(trent, f"{server.base}/inbox", forwarded_like) == 401
    note_id = f"{mallory.id}/notes/1"
    update = activity("Update", mallory, {"id": note_id, "type": "Note"}, 1)
    assert await deliver(trent, f"{server.base}/inbox", update) == 401


async def test_a_note_from_another_server_is_refused_unfetched(
    server: Server, remote: Peer, keypair: tuple[str, str]
) -> None:
    """As Mastodon's `invalid_origin?`: a Create whose object id is on another server than its
    actor is refused before anything is fetched, sent by the actor or forwarded."""
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    alice = f"{server.base}/users/alice"
    origin = Origin(keypair, length=3)
    await origin.start()
    try:
        claimed = {"id": origin.url(1), **_note(mallory, alice, "<p>carol's?</p>")}
        create = activity("Create", mallory, claimed, 1)
        assert await deliver(mallory, f"{server.base}/inbox", create) == 202
        outcome = await asyncio.to_thread(
            wait_for, lambda: _outcome(server, create["id"], forwarded=False)
        )
        assert outcome[0] == "failed" and "actor's server" in (outcome[1] or "")

        forwarded = activity("Create", mallory, {"id": origin.url(2)}, 2)
        assert await deliver(trent, f"{server.base}/inbox", forwarded) == 401
        assert origin.asked == []
    finally:
        await origin.stop()
    assert await asyncio.to_thread(_posts, server) == {}


def _accepted_follows(server: Server) -> int:
    async def read(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(Follow).where(Follow.state == "accepted"))))

    return query(server.config, read)


async def test_a_forwarded_reply_to_a_followed_account_is_kept(
    server: Server, remote: Peer
) -> None:
    """Mastodon forwards a stranger's reply to the followers of the account it answers: kept
    here when that account's post is stored and alice follows it; a reply to a post we do not
    have, by an account nobody follows, is still dropped."""
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    handle = f"trent@127.0.0.1:{remote.port}"
    await asyncio.to_thread(run_cli, server.config, "follow", "alice", handle)
    follow = await asyncio.to_thread(
        wait_for,
        lambda: next((r.json for r in remote.received if r.json["type"] == "Follow"), None),
    )
    accept = activity("Accept", trent, follow, 1)
    assert await deliver(trent, f"{server.base}/inbox", accept) == 202
    await asyncio.to_thread(wait_for, lambda: _accepted_follows(server) == 1)

    # trent's own post, kept because alice follows him.
    trents = {"id": f"{trent.id}/notes/1", **_note(trent, "", "<p>a kite</p>"), "tag": []}
    assert await deliver(trent, f"{server.base}/inbox", activity("Create", trent, trents, 1)) == 202
    created = f"{trent.id}#create/1"
    await asyncio.to_thread(wait_for, lambda: _outcome(server, created, forwarded=False))

    # mallory (followed by nobody here) answers it, without mentioning alice; trent's server
    # forwards the reply.
    reply = {**_note(mallory, "", "<p>nice kite</p>"), "tag": [], "inReplyTo": trents["id"]}
    answer = _serve(remote, "mallory-reply-1", reply)
    state, error = await _forward(server, trent, activity("Create", mallory, {"id": answer}, 1))
    assert (state, error) == ("done", None)

    # A reply to a post nobody here has: dropped.
    stray = {**reply, "inReplyTo": f"{trent.id}/notes/unknown"}
    elsewhere = _serve(remote, "mallory-reply-2", stray)
    state, _ = await _forward(server, trent, activity("Create", mallory, {"id": elsewhere}, 2))
    assert state == "done"
    assert await asyncio.to_thread(_posts, server) == {
        trents["id"]: "<p>a kite</p>",
        answer: "<p>nice kite</p>",
    }
