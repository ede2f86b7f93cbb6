"""Edits both ways. Update(Note) from other servers: only the note's author changes it, only a
newer edit overwrites an older one, and what arrives is sanitised. A local edit's new mentions
are told once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from PIL import Image
from quart.typing import TestClientProtocol as Client
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain import edits
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from storage.models import MediaAttachment, Mention, Post, PostTag
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, PeerActor, activity
from tests.support.sent import notified
from tests.support.servers import Server, run_cli, wait_for

AS = "https://www.w3.org/ns/activitystreams"


def _note(actor: PeerActor, alice: str, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{actor.id}/notes/1",
        "type": "Note",
        "attributedTo": actor.id,
        "content": content,
        "to": [f"{AS}#Public"],
        "tag": [{"type": "Mention", "href": alice}, {"type": "Hashtag", "name": "#First"}],
        "attachment": [
            {"type": "Image", "mediaType": "image/png", "url": f"{actor.id}/1.png", "name": "a"}
        ],
        **extra,
    }


async def _done(server: Server, actor: PeerActor, doc: dict[str, Any]) -> None:
    """Deliver and wait: handled without an error (what it did is read from the database)."""
    assert await deliver_handled(server, actor, doc) == "done"


def _stored(server: Server) -> dict[str, Any] | None:
    async def read(session: AsyncSession) -> dict[str, Any] | None:
        post = await session.scalar(select(Post))
        if post is None:
            return None
        alts = await session.execute(
            select(MediaAttachment.description).where(MediaAttachment.post_id == post.id)
        )
        tags = await session.execute(select(PostTag.name).where(PostTag.post_id == post.id))
        mentions = await session.execute(select(Mention.id).where(Mention.post_id == post.id))
        return {
            "tags": list(tags.scalars()),
            "mentions": len(list(mentions.scalars())),
            "content": post.content_html,
            "summary": post.spoiler_text,
            "sensitive": post.sensitive,
            "updated": post.updated_at.isoformat() if post.updated_at else None,
            "alts": list(alts.scalars()),
        }

    return query(server.config, read)


async def test_only_the_author_updates_and_only_forward_in_time(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    alice = f"{server.base}/users/alice"
    await _done(server, mallory, activity("Create", mallory, _note(mallory, alice, "v1"), 1))
    original = await asyncio.to_thread(_stored, server)
    assert original is not None and original["content"] == "v1"
    assert original["tags"] == ["first"] and original["mentions"] == 1

    # trent rewrites mallory's note: an Update by him, with the note embedded as from her.
    forged = _note(mallory, alice, "<p>forged</p>", updated="2030-01-01T00:00:00Z")
    await _done(server, trent, activity("Update", trent, forged, 1))
    assert await asyncio.to_thread(_stored, server) == original

    newer = _note(
        mallory,
        alice,
        '<p>v3 <script>alert(1)</script><a href="javascript:x()">x</a></p>',
        updated="2026-01-03T00:00:00Z",
        summary="cw",
        sensitive=True,
        tag=[{"type": "Hashtag", "name": "#Second"}],  # alice no longer mentioned
        attachment=[
            {"type": "Image", "mediaType": "image/png", "url": f"{mallory.id}/1.png", "name": "b"}
        ],
    )
    await _done(server, mallory, activity("Update", mallory, newer, 2))
    stored = await asyncio.to_thread(_stored, server)
    assert stored is not None
    assert stored["content"].startswith("<p>v3 ") and "script" not in stored["content"]
    assert "javascript" not in stored["content"]
    assert stored["summary"] == "cw" and stored["sensitive"] is True
    assert stored["alts"] == ["b"]
    assert stored["updated"] == "2026-01-03T00:00:00+00:00"
    assert stored["tags"] == ["second"] and stored["mentions"] == 0  # as the edit has them

    # An older edit arriving late does not overwrite the newer one.
    older = _note(mallory, alice, "<p>v2</p>", updated="2026-01-02T00:00:00Z")
    await _done(server, mallory, activity("Update", mallory, older, 3))
    assert await asyncio.to_thread(_stored, server) == stored

    # `updated` has whole seconds: a second edit in the same second is applied, not dropped.
    same_second = _note(mallory, alice, "<p>v4</p>", updated="2026-01-03T00:00:00Z")
    await _done(server, mallory, activity("Update", mallory, same_second, 4))
    latest = await asyncio.to_thread(_stored, server)
    assert latest is not None and latest["content"] == "<p>v4</p>"
    assert latest["updated"] == "2026-01-03T00:00:00+00:00"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _posts(server: Server) -> int:
    async def read(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Post)) or 0)

    return query(server.config, read)


async def test_an_update_without_updated_changes_nothing(server: Server, remote: Peer) -> None:
    """As Mastodon: such an Update carries only poll results, and it is no edit."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    await _done(server, mallory, activity("Create", mallory, _note(mallory, alice, "v1"), 1))
    original = await asyncio.to_thread(_stored, server)
    undated = _note(mallory, alice, "<p>v2</p>")
    await _done(server, mallory, activity("Update", mallory, undated, 1))
    assert await asyncio.to_thread(_stored, server) == original


async def test_an_update_that_comes_before_its_create_stands_for_it(
    server: Server, remote: Peer
) -> None:
    """Deliveries are not ordered. As Mastodon: the Update of a recent note we lack is taken
    as its Create, and the late Create then changes nothing."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    now = datetime.now(UTC)
    written, edited = _iso(now - timedelta(minutes=5)), _iso(now)
    latest = _note(mallory, alice, "<p>v2</p>", published=written, updated=edited)
    await _done(server, mallory, activity("Update", mallory, latest, 1))
    stored = await asyncio.to_thread(_stored, server)
    assert stored is not None and stored["content"] == "<p>v2</p>"
    assert stored["updated"] == edited.replace("Z", "+00:00")
    assert stored["tags"] == ["first"] and stored["mentions"] == 1

    first = _note(mallory, alice, "<p>v1</p>", published=written)
    await _done(server, mallory, activity("Create", mallory, first, 1))
    assert await asyncio.to_thread(_stored, server) == stored

    # A note of two days ago we never had: its Update is of no interest (Mastodon: a day).
    old = _note(mallory, alice, "<p>old</p>", published=_iso(now - timedelta(days=2)))
    old.update(id=f"{mallory.id}/notes/2", updated=edited)
    await _done(server, mallory, activity("Update", mallory, old, 2))
    assert await asyncio.to_thread(_posts, server) == 1


def _mentions_of(server: Server, user: str) -> list[str | None]:
    notes = json.loads(run_cli(server.config, "notifications", user, "--json"))
    return [n["status"] for n in notes if n["type"] == "mention"]


async def test_an_edit_that_mentions_alice_tells_her_once(server: Server, remote: Peer) -> None:
    """As Mastodon and GoToSocial: a local user an edit newly mentions is notified; one
    already mentioned is not told again."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    await asyncio.to_thread(run_cli, server.config, "user", "create", "carol")
    carol = f"{server.base}/users/carol"
    await _done(server, mallory, activity("Create", mallory, _note(mallory, carol, "v1"), 1))
    note_id = f"{mallory.id}/notes/1"
    assert await asyncio.to_thread(_mentions_of, server, "alice") == []
    both = [{"type": "Mention", "href": carol}, {"type": "Mention", "href": alice}]
    for n in (1, 2):  # the second edit mentions nobody new
        edit = _note(mallory, carol, f"v{n + 1}", tag=both, updated=f"2026-01-0{n}T00:00:00Z")
        await _done(server, mallory, activity("Update", mallory, edit, n))
    assert await asyncio.to_thread(_mentions_of, server, "alice") == [note_id]
    assert await asyncio.to_thread(_mentions_of, server, "carol") == [note_id]


def _png(colour: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def _cached(server: Server) -> list[str | None]:
    async def read(session: AsyncSession) -> list[str | None]:
        rows = await session.execute(select(MediaAttachment.file_name))
        return list(rows.scalars())

    return query(server.config, read)


async def test_an_edit_that_swaps_the_image_swaps_the_cached_copy(
    server: Server, remote: Peer
) -> None:
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    remote.files.update(
        {"red.png": (_png("red"), "image/png"), "blue.png": (_png("blue"), "image/png")}
    )
    media_dir = server.config.parent / f"media-{server.port}"

    def image(name: str) -> list[dict[str, Any]]:
        url = f"{remote.base}/files/{name}"
        return [{"type": "Image", "mediaType": "image/png", "url": url, "name": name}]

    red = _note(mallory, alice, "v1", attachment=image("red.png"))
    await _done(server, mallory, activity("Create", mallory, red, 1))
    [old_file] = await asyncio.to_thread(wait_for, lambda: all(_cached(server)) and _cached(server))
    assert (media_dir / old_file).exists()

    blue = _note(mallory, alice, "v2", attachment=image("blue.png"), updated="2026-01-01T00:00:00Z")
    await _done(server, mallory, activity("Update", mallory, blue, 1))
    assert not (media_dir / old_file).exists()
    [new_file] = await asyncio.to_thread(wait_for, lambda: all(_cached(server)) and _cached(server))
    assert new_file != old_file
    with Image.open(media_dir / new_file) as cached:
        assert cached.getpixel((0, 0))[:3] == (0, 0, 255)


async def test_an_update_for_only_a_blocker_is_not_kept_either(
    server: Server, remote: Peer
) -> None:
    """Like its Create, a note that only local users who block its author would read is not
    kept when an Update stands for that Create."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    await asyncio.to_thread(run_cli, server.config, "block", "alice", mallory.id)
    now = datetime.now(UTC)
    note = _note(mallory, alice, "<p>v1</p>", published=_iso(now))
    await _done(server, mallory, activity("Create", mallory, note, 1))
    note.update(content="<p>v2</p>", updated=_iso(now))
    await _done(server, mallory, activity("Update", mallory, note, 1))
    assert await asyncio.to_thread(_posts, server) == 0


async def test_a_local_user_an_edit_newly_mentions_is_told_once(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    await create_user(svc, "bob")
    post = await make_post(svc, Draft("alice", "a kite"))
    assert await notified(svc, "bob") == []
    for caption in ("for @bob", "still for @bob", "for nobody", "for @bob again"):
        await edits.edit(svc, "alice", post.uri, edits.Edit(caption=caption))
    # Told once: a notification is kept for each (kind, post), and a mention dropped and
    # added back again does not repeat it.
    assert await notified(svc, "bob") == ["mention"]
