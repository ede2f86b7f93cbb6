"""The queue of remote images waiting for a copy: queued once per remote image, a lease keeps
two workers off one image, and an image whose worker died mid-fetch is taken again once the
lease has run out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from fedi.core.services import Services
from storage import image_cache
from storage.models import ImageFetch, MediaAttachment, Post
from storage.timeutil import utcnow
from tests.support import rows

LONG = timedelta(minutes=5)


async def _waiting(svc: Services, count: int) -> list[int]:
    """A remote post with `count` images and a local copy of none; returns the media ids."""
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
            )
            for n in range(count)
        ]
        stored = MediaAttachment(
            post_id=post.id, account_id=author.id, file_name="0" * 32 + ".webp", media_type="x"
        )
        session.add_all([*media, stored])
        # An image stored here already has nothing to fetch.
        assert await image_cache.enqueue(session, [*media, stored]) == count
    return [item.id for item in media]


async def test_a_lease_keeps_an_image_from_a_second_worker(svc: Services) -> None:
    ids = await _waiting(svc, 3)
    first = await image_cache.claim(svc.sessions, limit=2, lease=LONG)
    second = await image_cache.claim(svc.sessions, limit=5, lease=LONG)
    assert (len(first), len(second)) == (2, 1)
    assert sorted(item.media_id for item in first + second) == sorted(ids)
    assert {(item.remote_url, item.attempts) for item in first + second} == {
        (f"http://127.0.0.1:9/{n}.png", 0) for n in range(3)
    }
    assert await image_cache.claim(svc.sessions, limit=5, lease=LONG) == []


async def test_an_image_whose_worker_died_is_taken_again_after_the_lease(svc: Services) -> None:
    [media_id] = await _waiting(svc, 1)
    [taken] = await image_cache.claim(svc.sessions, limit=1, lease=LONG)
    # The worker dies here, recording nothing. The queue knows when the image is free again
    # (so a restarted worker waits for that, instead of spinning on a leased row).
    async with svc.reads() as session:
        free_at = await image_cache.next_due(session)
    assert free_at is not None and free_at > utcnow() + LONG - timedelta(minutes=1)
    assert await image_cache.claim(svc.sessions, limit=1, lease=LONG) == []
    async with svc.sessions.begin() as session:  # the lease runs out
        values = {"locked_until": utcnow() - timedelta(seconds=1)}
        await session.execute(update(ImageFetch).values(values))
    [again] = await image_cache.claim(svc.sessions, limit=1, lease=LONG)
    assert (again.id, again.media_id, again.attempts) == (taken.id, media_id, 0)


async def test_nothing_done_or_failed_is_taken(svc: Services) -> None:
    await _waiting(svc, 2)
    done, failed = await image_cache.claim(svc.sessions, limit=2, lease=LONG)
    async with svc.sessions.begin() as session:
        copy = image_cache.Copy("1" * 32 + ".webp", 10, 1, 1, None)
        assert await image_cache.cached(session, done, copy)
        await image_cache.failed(session, failed, error="HTTP 410", retry_at=None)
    assert await image_cache.claim(svc.sessions, limit=5, lease=LONG) == []
    async with svc.reads() as session:
        assert await image_cache.next_due(session) is None
        states = await session.execute(
            select(ImageFetch.state, ImageFetch.attempts, ImageFetch.last_error).order_by(
                ImageFetch.state
            )
        )
        assert list(states) == [("done", 1, None), ("failed", 1, "HTTP 410")]
        media = await session.get(MediaAttachment, done.media_id)
        assert media is not None and media.file_name == "1" * 32 + ".webp"
