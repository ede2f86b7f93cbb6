"""The remixes of a post: those naming it in remix_of_uri, newest first, as the viewer may
read them (not deleted; followers-only ones only for those allowed)."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from storage import remixes
from storage.models import Post
from storage.timeutil import utcnow


async def _remix(svc: Services, username: str, source: Post, visibility: str = "public") -> Post:
    post = await make_post(svc, Draft(username, "a remix", visibility=visibility))
    async with svc.sessions.begin() as session:
        row = await session.get(Post, post.id)
        assert row is not None
        row.remix_of_uri = source.uri
    return post


async def test_remixes_listed_as_the_viewer_may_read_them(svc: Services) -> None:
    await create_user(svc, "alice")
    bob = await create_user(svc, "bob")
    source = await make_post(svc, Draft("alice", "a lighthouse"))
    first = await _remix(svc, "bob", source)
    hidden = await _remix(svc, "bob", source, visibility="private")
    gone = await _remix(svc, "alice", source)
    newest = await _remix(svc, "alice", source)
    await make_post(svc, Draft("alice", "not a remix"))
    async with svc.sessions.begin() as session:
        row = await session.get(Post, gone.id)
        assert row is not None
        row.deleted_at = utcnow()
    async with svc.reads() as session:
        seen = await remixes.remixes_of(session, source.uri)
        by_bob = await remixes.remixes_of(session, source.uri, viewer_id=bob.id)
        none = await remixes.remixes_of(session, "https://elsewhere.example/notes/1")
    assert [post.id for post, _ in seen] == [newest.id, first.id]
    assert [post.id for post, _ in by_bob] == [newest.id, hidden.id, first.id]
    assert [author.username for _, author in seen] == ["alice", "bob"]
    assert none == []
