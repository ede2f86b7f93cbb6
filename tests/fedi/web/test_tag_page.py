"""The hashtag page a `#tag` link leads to: public pictures with the tag, newest first."""

from __future__ import annotations

from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.domain.posting import Draft, make_post
from storage import domain_blocks
from storage.models import MediaAttachment, Post, PostTag
from storage.timeutil import utcnow
from tests.support import rows
from tests.support.html import elements


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


async def test_a_blocked_servers_posts_leave_the_tag_page(client: tuple[Client, Services]) -> None:
    http, svc = client
    async with svc.sessions.begin() as session:
        mallory = rows.account("https://evil.example/users/mallory", "mallory", "evil.example")
        session.add(mallory)
        await session.flush()
        post = Post(
            uri="https://evil.example/notes/1",
            url="https://evil.example/@mallory/1",
            account_id=mallory.id,
            local=False,
        )
        session.add(post)
        await session.flush()
        session.add(PostTag(post_id=post.id, name="harbour"))
        session.add(
            MediaAttachment(
                post_id=post.id,
                account_id=mallory.id,
                remote_url="https://evil.example/1.png",
                media_type="image/png",
                description="a harbour",
            )
        )
    shown = await (await http.get("/tags/harbour")).get_data(as_text=True)
    assert f'href="/posts/{post.id}"' in shown
    async with svc.sessions.begin() as session:
        await domain_blocks.add(session, "evil.example")
    svc._blocked = None  # forget the cached set at once (a running server re-reads within 5 s)
    page = await (await http.get("/tags/harbour")).get_data(as_text=True)
    assert "evil.example" not in page


async def test_a_remote_picture_opens_its_page_here(client: tuple[Client, Services]) -> None:
    http, svc = client
    async with svc.sessions.begin() as session:
        bob = rows.account("https://far.example/users/bob", "bob", "far.example")
        session.add(bob)
        await session.flush()
        post = Post(
            uri="https://far.example/notes/2",
            url="https://far.example/@bob/2",
            account_id=bob.id,
            local=False,
        )
        session.add(post)
        await session.flush()
        session.add(PostTag(post_id=post.id, name="harbour"))
        session.add(
            MediaAttachment(
                post_id=post.id,
                account_id=bob.id,
                remote_url="https://far.example/2.png",
                media_type="image/png",
                description="a harbour at night",
            )
        )
    local = await _tagged(svc, "a harbour at dawn", "harbour")
    page = await (await http.get("/tags/harbour")).get_data(as_text=True)
    links = {a.attrs["href"] for a in elements(page, "a") if a.inside("section")}
    assert f"/posts/{post.id}" in links and str(local.url) in links
    assert not [link for link in links if "far.example" in link]
    assert (await http.get(f"/posts/{post.id}")).status_code == 200  # a visitor may open it
