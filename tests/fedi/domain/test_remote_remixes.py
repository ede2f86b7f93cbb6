"""A remote note whose "Remix of" paragraph links one of our posts is stored as a remix of it
(listed under it) even from someone no one here follows, an edit that drops the paragraph
undoes that, and a link to a post elsewhere or in any other shape is no remix."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.edits import on_update_note
from fedi.domain.posting import Draft, make_post
from fedi.domain.remote_posts import on_creates
from fedi.federation.as2.notes import content_html
from storage import remixes
from storage.models import Account, Post
from tests.support import rows
from tests.support.sent import remote

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _create(author: Account, n: int, html: str, **extra: Any) -> Activity:
    note = {
        "type": "Note",
        "id": f"{author.uri}/statuses/{n}",
        "attributedTo": author.uri,
        "content": html,
        "to": [PUBLIC],
        "cc": [],
        **extra,
    }
    return Activity(note["id"] + "/activity", "Create", author.uri, note["id"], note, (PUBLIC,), ())


async def _remix_of(svc: Services, uri: str) -> str | None:
    async with svc.reads() as session:
        return await session.scalar(select(Post.remix_of_uri).where(Post.uri == uri))


async def test_a_remote_remix_of_our_post_is_listed_under_it(svc: Services) -> None:
    alice = await create_user(svc, "alice")
    ours = await make_post(svc, Draft("alice", "a lighthouse"))
    mallory = await remote(svc, "mallory", "remote.example")
    elsewhere = "https://other.example/users/trent/statuses/1"
    async with svc.sessions.begin() as session:
        session.add(rows.accepted_follow("https://impasto.test/f/1", alice.id, mallory.id))
    activities = [
        _create(mallory, 1, content_html("<p>Mine</p>", "a model", "a fox", ours.uri)),
        _create(mallory, 2, content_html("<p>Theirs</p>", "a model", "a fox", elsewhere)),
        _create(mallory, 3, f'<p>I like <a href="{ours.uri}">{ours.uri}</a></p>'),
        _create(mallory, 4, "<p>Prompt: a fox</p>"),
    ]
    assert await on_creates(svc, activities) == [None] * 4
    found = [await _remix_of(svc, f"{mallory.uri}/statuses/{n}") for n in range(1, 5)]
    assert found == [ours.uri, None, None, None]
    async with svc.reads() as session:
        listed = await remixes.remixes_of(session, ours.uri)
    assert [(post.uri, author.uri) for post, author in listed] == [
        (f"{mallory.uri}/statuses/1", mallory.uri)
    ]

    # mallory edits the paragraph away: no longer a remix.
    edited = _create(mallory, 1, "<p>Mine, after all</p>", updated="2030-01-01T00:00:00Z")
    update = Activity(
        f"{edited.id}#update", "Update", mallory.uri, edited.object_id, edited.object, (), ()
    )
    await on_update_note(svc, update)
    assert await _remix_of(svc, f"{mallory.uri}/statuses/1") is None


async def test_a_remix_of_ours_is_kept_from_someone_no_one_here_follows(svc: Services) -> None:
    await create_user(svc, "alice")
    ours = await make_post(svc, Draft("alice", "a lighthouse"))
    trent = await remote(svc, "trent", "other.example")
    elsewhere = "https://remote.example/users/mallory/statuses/1"
    activities = [
        _create(trent, 1, content_html("", "a model", "a fox", ours.uri)),
        _create(trent, 2, content_html("", "a model", "a fox", elsewhere)),
        _create(trent, 3, f'<p>Remix of <a href="{ours.uri}">my take</a></p>'),
    ]
    assert await on_creates(svc, activities) == [None] * 3
    async with svc.reads() as session:
        kept = list(await session.scalars(select(Post.uri).where(Post.account_id == trent.id)))
    assert kept == [f"{trent.uri}/statuses/1"]
    assert await _remix_of(svc, kept[0]) == ours.uri
