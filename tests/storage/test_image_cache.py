"""The queue of remote images waiting for a copy: a lease keeps two workers off one image, and
an image whose worker died mid-fetch is taken again once the lease has run out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fedi.services import Services
from storage import image_cache
from storage.models import MediaAttachment, Post
from storage.timeutil import utcnow
from tests.support import rows


async def _waiting(svc: Services, count: int) -> list[int]:
    async with svc.sessions.begin() as session:
        author = rows.account("http://127.0.0.1:9/users/m", "m", "127.0.0.1:9")
        session.add(author)
        await session.flush()
        post = Post(uri=f"{author.uri}/notes/1", account_id=author.id, local=False)
        session.add(post)
        await session.flush()
        media = [
            MediaAttachment(
                post_id=post.id,
                account_id=author.id,
                position=n,
                remote_url=f"http://127.0.0.1:9/{n}.png",
                media_type="image/png",
                cache_after=utcnow() - timedelta(seconds=count - n),  # oldest first
            )
            for n in range(count)
        ]
        session.add_all(media)
    return [item.id for item in media]


async def test_a_lease_keeps_an_image_from_a_second_worker_until_it_runs_out(
    svc: Services,
) -> None:
    ids = await _waiting(svc, 3)
    first = await image_cache.claim(svc.sessions, limit=2, lease=timedelta(minutes=5))
    assert [item.id for item in first] == ids[:2]  # the longest waiting first
    assert (first[0].remote_url, first[0].attempts) == ("http://127.0.0.1:9/0.png", 0)
    second = await image_cache.claim(svc.sessions, limit=5, lease=timedelta(minutes=5))
    assert [item.id for item in second] == ids[2:]
    assert await image_cache.claim(svc.sessions, limit=5, lease=timedelta(minutes=5)) == []

    # A worker that died mid-fetch recorded nothing: after its lease, the image is due again.
    short = await _waiting_again(svc, ids[0])
    await asyncio.sleep(0.05)
    again = await image_cache.claim(svc.sessions, limit=5, lease=timedelta(minutes=5))
    assert [item.id for item in again] == [short]


async def _waiting_again(svc: Services, media_id: int) -> int:
    """Lease one image briefly, as a worker that then dies would have."""
    async with svc.sessions.begin() as session:
        row = await session.get(MediaAttachment, media_id)
        assert row is not None
        row.cache_after = utcnow()
    [taken] = await image_cache.claim(svc.sessions, limit=1, lease=timedelta(milliseconds=10))
    return taken.id


async def test_nothing_cached_or_given_up_is_taken(svc: Services) -> None:
    cached, given_up = await _waiting(svc, 2)
    async with svc.sessions.begin() as session:
        copy = image_cache.Copy("0" * 32 + ".webp", 10, 1, 1, None)
        assert await image_cache.cached(session, cached, copy)
        await image_cache.failed(session, given_up, None)
    assert await image_cache.claim(svc.sessions, limit=5, lease=timedelta(minutes=5)) == []
    async with svc.reads() as session:
        assert await image_cache.next_due(session) is None
        row = await session.get(MediaAttachment, given_up)
        assert row is not None and row.cache_attempts == 1
