"""Replies, mentions and hashtags between two Impasto servers: a reply reaches the replied-to
author (following or not), is listed in the post's `replies` collection and its thread, and
tells them; a caption's `@user@host` and `#tag` become links and tags and reach whom they name."""

from __future__ import annotations

import asyncio
from typing import Any

from quart.typing import TestClientProtocol as Client
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post
from storage.models import Account, Mention, Post, PostTag
from storage.timeutil import utcnow
from tests.support import rows
from tests.support.inspect import query
from tests.support.pair import Instance
from tests.support.servers import wait_for

AS2 = "application/activity+json"


def _note(instance: Instance, url: str) -> dict[str, Any]:
    """The Note behind a post's page URL, as its server serves it."""
    doc: dict[str, Any] = instance.server.get(url.removeprefix(instance.base), AS2)
    return doc


def _reply(
    instance: Instance, post_url: str, prompt: str, caption: str
) -> tuple[str, dict[str, Any]]:
    """The instance's user replies (`impasto reply`): the reply's page URL and its Note."""
    url = instance.cli("reply", instance.user, post_url, prompt, "--caption", caption).strip()
    return url, _note(instance, url)


def _replies(instance: Instance, note_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = instance.server.get(f"{note_id.removeprefix(instance.base)}/replies")
    return doc


def _notified(instance: Instance, kind: str, sender: str, status: str) -> bool:
    entries = instance.cli_json("notifications", instance.user)
    return any(
        (e["type"], e["account_uri"], e["status"]) == (kind, sender, status) for e in entries
    )


def _stored(instance: Instance, uri: str) -> Post | None:
    async def read(session: AsyncSession) -> Post | None:
        return await session.scalar(select(Post).where(Post.uri == uri))

    return query(instance.config, read)


def _tags_of(instance: Instance, uri: str) -> tuple[list[str], list[str]]:
    """The hashtags and the mentioned actors a server stored for a post."""

    async def read(session: AsyncSession) -> tuple[list[str], list[str]]:
        post_id = select(Post.id).where(Post.uri == uri).scalar_subquery()
        names = await session.scalars(select(PostTag.name).where(PostTag.post_id == post_id))
        actors = await session.scalars(
            select(Account.uri)
            .join(Mention, Mention.account_id == Account.id)
            .where(Mention.post_id == post_id)
        )
        return sorted(names), sorted(actors)

    return query(instance.config, read)


def _mention_tag(actor: str, handle: str) -> dict[str, str]:
    return {"type": "Mention", "href": actor, "name": f"@{handle}"}


async def test_replies_both_ways_reach_the_author_the_collection_and_the_thread(
    pair: tuple[Instance, Instance],
) -> None:
    a, b = pair
    original_url = await asyncio.to_thread(a.post, "a lighthouse at dusk")
    original = await asyncio.to_thread(_note, a, original_url)
    assert original["replies"] == f"{original['id']}/replies"
    empty = await asyncio.to_thread(_replies, a, original["id"])
    assert (empty["type"], empty["totalItems"], empty["first"]["items"]) == ("Collection", 0, [])

    # bob (who does not follow alice) replies to her post by its page URL.
    reply_url, reply = await asyncio.to_thread(
        _reply, b, original_url, "a boat at night", "Lovely light"
    )
    assert reply["inReplyTo"] == original["id"]
    assert reply["tag"] == [_mention_tag(a.actor, a.handle)]
    assert a.actor in reply["cc"]
    assert reply["content"].startswith(
        f'<p><span class="h-card"><a href="{a.base}/@alice" class="u-url mention">'
        "@<span>alice</span></a></span> Lovely light</p>"
    )

    # A keeps it: in the post's replies collection, in its thread, and alice is told. The reply
    # mentions her too, and is one notification, a `reply` (fedi/domain/remote_posts._notify).
    listed = await asyncio.to_thread(
        wait_for,
        lambda: _replies(a, original["id"])["totalItems"] == 1 and _replies(a, original["id"]),
    )
    assert listed["first"]["items"] == [reply["id"]]
    assert listed["first"]["partOf"] == f"{original['id']}/replies"
    assert await asyncio.to_thread(_notified, a, "reply", b.actor, reply["id"])
    thread = await asyncio.to_thread(a.cli_json, "thread", "alice", original_url)
    assert [entry["uri"] for entry in thread["descendants"]] == [reply["id"]]

    # alice replies back to bob's reply, by its URL on B.
    _, answer = await asyncio.to_thread(_reply, a, reply_url, "a lantern", "Thanks!")
    assert answer["inReplyTo"] == reply["id"]
    assert answer["tag"] == [_mention_tag(b.actor, b.handle)]
    stored = await asyncio.to_thread(wait_for, lambda: _stored(b, answer["id"]))
    assert stored.in_reply_to_uri == reply["id"]
    assert await asyncio.to_thread(wait_for, lambda: _notified(b, "reply", a.actor, answer["id"]))
    assert (await asyncio.to_thread(_replies, b, reply["id"]))["first"]["items"] == [answer["id"]]
    thread = await asyncio.to_thread(b.cli_json, "thread", "bob", reply_url)
    assert [entry["uri"] for entry in thread["ancestors"]] == [original["id"]]
    assert [entry["uri"] for entry in thread["descendants"]] == [answer["id"]]

    # Unknown posts have no replies collection; known ones are served as AS2.
    status, headers, _ = await asyncio.to_thread(
        a.server.get_raw, "/users/alice/statuses/1/replies", AS2
    )
    assert status == 404
    status, headers, _ = await asyncio.to_thread(
        a.server.get_raw, f"{original['id'].removeprefix(a.base)}/replies", AS2
    )
    content_type = {name.lower(): value for name, value in headers.items()}["content-type"]
    assert status == 200 and content_type.startswith(AS2)


async def test_mentions_and_hashtags_reach_whom_they_name(pair: tuple[Instance, Instance]) -> None:
    a, b = pair
    await asyncio.to_thread(a.cli, "user", "create", "carol")
    host_b = b.base.removeprefix("http://")
    caption = (
        f"Ahoy @{b.handle} and @carol! #Lighthouse <b>not bold</b> "
        f"@ghost@{host_b} https://example.com/#fog"
    )
    url = await asyncio.to_thread(a.post, "a lighthouse in fog", "--caption", caption)
    note = await asyncio.to_thread(_note, a, url)
    carol = f"{a.base}/users/carol"
    assert note["tag"] == [
        _mention_tag(b.actor, b.handle),
        _mention_tag(carol, f"carol@{a.base.removeprefix('http://')}"),
        {"type": "Hashtag", "href": f"{a.base}/tags/lighthouse", "name": "#lighthouse"},
    ]
    assert note["cc"] == [f"{a.actor}/followers", b.actor, carol]
    content = note["content"]
    assert (
        f'<span class="h-card"><a href="{b.base}/@bob" class="u-url mention">'
        "@<span>bob</span></a></span>"
    ) in content
    assert (
        f'<a href="{a.base}/tags/lighthouse" class="mention hashtag" rel="tag">'
        "#<span>Lighthouse</span></a>"
    ) in content
    assert "&lt;b&gt;not bold&lt;/b&gt;" in content and "<b>" not in content
    assert f" @ghost@{host_b} " in content  # nobody by that name: it stays text
    assert "tags/fog" not in content

    # bob does not follow alice, yet the post reaches B: he is mentioned, and told.
    await asyncio.to_thread(wait_for, lambda: _stored(b, note["id"]))
    assert await asyncio.to_thread(wait_for, lambda: _notified(b, "mention", a.actor, note["id"]))
    assert await asyncio.to_thread(_tags_of, b, note["id"]) == (["lighthouse"], [b.actor])
    assert await asyncio.to_thread(_tags_of, a, note["id"]) == (
        ["lighthouse"],
        sorted([b.actor, carol]),
    )
    # carol, on the same server, is told at once; her reply (`post --reply-to`) tells alice.
    assert await asyncio.to_thread(
        _notified, Instance(a.server, a.config, "carol"), "mention", a.actor, note["id"]
    )
    reply_url = await asyncio.to_thread(
        a.cli, "post", "carol", "a gull", "--reply-to", url, "--caption", "so misty"
    )
    reply = await asyncio.to_thread(_note, a, reply_url.strip())
    assert reply["inReplyTo"] == note["id"] and reply["tag"] == [_mention_tag(a.actor, a.handle)]
    assert await asyncio.to_thread(_notified, a, "reply", carol, reply["id"])
    assert (await asyncio.to_thread(_replies, a, note["id"]))["first"]["items"] == [reply["id"]]


async def test_replies_collection_pages_public_replies_oldest_first(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    post = await make_post(svc, Draft("alice", "a harbour"))
    async with svc.sessions.begin() as session:
        remote = rows.account("https://b.example/users/bob", "bob", "b.example")
        session.add(remote)
        await session.flush()
        replies = [
            Post(
                uri=f"https://b.example/notes/{n}",
                account_id=remote.id,
                local=False,
                in_reply_to_uri=post.uri,
                # followers-only and direct replies are not listed; unlisted ones are
                visibility={3: "private", 5: "direct", 6: "unlisted"}.get(n, "public"),
                deleted_at=utcnow() if n == 4 else None,
            )
            for n in range(25)
        ]
        for reply in replies:
            session.add(reply)
            await session.flush()  # ids grow with each: the order they came in
    path = f"{post.uri.removeprefix(svc.urls.base)}/replies"
    expected = [f"https://b.example/notes/{n}" for n in range(25) if n not in (3, 4, 5)]

    first = await (await http.get(path)).get_json()
    assert first["type"] == "Collection" and first["totalItems"] == 22
    assert first["first"]["items"] == expected[:20]  # note 6, unlisted, among them
    second = await (await http.get(first["first"]["next"].removeprefix(svc.urls.base))).get_json()
    assert second["type"] == "CollectionPage" and second["items"] == expected[20:]
    assert "next" not in second
    assert (await http.get("/users/alice/statuses/1/replies")).status_code == 404
