"""Update(Note) from other servers: only the note's author changes it, only a newer edit
overwrites an older one, and what arrives is sanitised."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MediaAttachment, Mention, Post, PostTag
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, PeerActor, activity
from tests.support.servers import Server

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
    await deliver_handled(
        server, mallory, activity("Create", mallory, _note(mallory, alice, "v1"), 1)
    )
    original = await asyncio.to_thread(_stored, server)
    assert original is not None and original["content"] == "v1"
    assert original["tags"] == ["first"] and original["mentions"] == 1

    # trent rewrites mallory's note: an Update by him, with the note embedded as from her.
    forged = _note(mallory, alice, "<p>forged</p>", updated="2030-01-01T00:00:00Z")
    await deliver_handled(server, trent, activity("Update", trent, forged, 1))
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
    await deliver_handled(server, mallory, activity("Update", mallory, newer, 2))
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
    await deliver_handled(server, mallory, activity("Update", mallory, older, 3))
    assert await asyncio.to_thread(_stored, server) == stored

    # `updated` has whole seconds: a second edit in the same second is applied, not dropped.
    same_second = _note(mallory, alice, "<p>v4</p>", updated="2026-01-03T00:00:00Z")
    await deliver_handled(server, mallory, activity("Update", mallory, same_second, 4))
    latest = await asyncio.to_thread(_stored, server)
    assert latest is not None and latest["content"] == "<p>v4</p>"
    assert latest["updated"] == "2026-01-03T00:00:00+00:00"
