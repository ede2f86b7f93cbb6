"""Finding a remote post by what a person pastes: a Mastodon page URL (/@user/ID) serves the
Note under its own id, so the post is fetched again by that id and only that copy is used."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from fedi.core.errors import PostNotFound
from fedi.core.services import Services
from fedi.domain.lookup import find_post
from storage.models import Post
from tests.support.origin import Origin, running_origin


@pytest.fixture
async def origin(svc: Services, keypair: tuple[str, str]) -> AsyncIterator[Origin]:
    """A fake origin with two notes by carol."""
    async with running_origin(svc, keypair, 2) as host:
        yield host


async def test_a_page_url_finds_the_post_by_the_id_its_document_names(
    svc: Services, origin: Origin
) -> None:
    post = await find_post(svc, origin.page(0))
    # The Note as its own id serves it, never the page's copy.
    assert (post.uri, post.content_html) == (origin.url(0), "<p>note 0</p>")
    assert origin.asked == [0]
    again = await find_post(svc, origin.page(0))
    assert again.id == post.id

    # The page answers but the id it names does not: no post, and nothing of the page kept.
    origin.missing.add(1)
    with pytest.raises(PostNotFound, match="could not be fetched"):
        await find_post(svc, origin.page(1))
    async with svc.reads() as session:
        assert await session.scalar(select(func.count()).select_from(Post)) == 1


@pytest.mark.parametrize("number", [str(2**63), "9" * 30, "9" * 5000, "\u00b2"])
async def test_a_number_no_post_can_have_is_no_post(svc: Services, number: str) -> None:
    """Not an overflow in the database: a post id is a signed 64-bit integer."""
    for reference in (number, f"{svc.urls.base}/@alice/{number}"):
        with pytest.raises(PostNotFound):
            await find_post(svc, reference)
