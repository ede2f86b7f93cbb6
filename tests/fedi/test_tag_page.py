"""The hashtag page a `#tag` link leads to: public pictures with the tag, newest first."""

from __future__ import annotations

from quart.typing import TestClientProtocol as Client

from fedi.posting import Draft, make_post
from fedi.services import Services
from storage.models import Post, PostTag
from storage.timeutil import utcnow


async def _tagged(svc: Services, prompt: str, *names: str) -> Post:
    post = await make_post(svc, Draft("alice", prompt))
    async with svc.sessions.begin() as session:
        session.add_all(PostTag(post_id=post.id, name=name) for name in names)
    return post


async def test_tag_page_lists_public_tagged_pictures_newest_first(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    older = await _tagged(svc, "a lighthouse at dawn", "lighthouse")
    newer = await _tagged(svc, "a lighthouse at dusk", "lighthouse", "dusk")
    other = await _tagged(svc, "a barn", "barn")
    gone = await _tagged(svc, "a lighthouse that was deleted", "lighthouse")
    async with svc.sessions.begin() as session:
        (await session.get(Post, gone.id)).deleted_at = utcnow()  # type: ignore[union-attr]

    response = await http.get("/tags/LightHouse")  # names match whatever their case
    assert response.status_code == 200
    page = await response.get_data(as_text=True)
    assert "#lighthouse" in page
    assert page.index(str(newer.url)) < page.index(str(older.url))
    assert str(other.url) not in page and str(gone.url) not in page

    empty = await (await http.get("/tags/nothing")).get_data(as_text=True)
    assert "No pictures with #nothing yet." in empty
