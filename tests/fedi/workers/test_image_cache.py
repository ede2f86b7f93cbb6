"""Local copies of remote images, made by their own worker (fedi.workers.images): what a host's
answer does to the queued image, and that nothing is left behind when its post goes first.
The app runs without its workers and each test runs the worker's step itself, but for the
last, which shows a running server's inbox going on while an image host keeps it waiting."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from io import BytesIO
from typing import Any

from PIL import Image
from quart.typing import TestClientProtocol as Client
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.workers import images as image_cache
from storage import accounts, domain_blocks
from storage import image_cache as queue
from storage.models import ImageFetch, MediaAttachment, Post
from storage.timeutil import utcnow
from tests.support import rows
from tests.support.inspect import deliver_handled, query
from tests.support.peer import Peer, activity
from tests.support.servers import Server, wait_for

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "PNG")
    return out.getvalue()


async def _queued(svc: Services, remote: Peer, name: str) -> int:
    """A remote post of mallory's whose image (the peer's /files/NAME) waits for its copy."""
    uri = f"{remote.base}/users/mallory"
    async with svc.sessions.begin() as session:
        mallory = await accounts.by_uri(session, uri)
        if mallory is None:
            mallory = rows.account(uri, "mallory", f"127.0.0.1:{remote.port}")
            session.add(mallory)
            await session.flush()
        post = Post(uri=f"{mallory.uri}/notes/{name}", account_id=mallory.id, local=False)
        session.add(post)
        await session.flush()
        media = MediaAttachment(
            post_id=post.id,
            account_id=mallory.id,
            remote_url=f"{remote.base}/files/{name}",
            media_type="image/png",
            blurhash="LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
        )
        session.add(media)
        assert await queue.enqueue(session, [media]) == 1
    return media.id


def _files(svc: Services) -> set[str]:
    """The media directory's files (alice's avatar among them)."""
    return {path.name for path in svc.media_dir.glob("*")}


async def _row(svc: Services, media_id: int) -> MediaAttachment | None:
    async with svc.reads() as session:
        return await session.get(MediaAttachment, media_id)


async def _fetch(svc: Services, media_id: int) -> ImageFetch:
    async with svc.reads() as session:
        fetch = await session.scalar(select(ImageFetch).where(ImageFetch.media_id == media_id))
    assert fetch is not None
    return fetch


async def _due_now(svc: Services, media_id: int) -> None:
    """Move a waiting image's retry to now (as if its backoff had passed)."""
    async with svc.sessions.begin() as session:
        values = {"next_attempt_at": utcnow() - timedelta(seconds=1)}
        await session.execute(
            update(ImageFetch).where(ImageFetch.media_id == media_id).values(values)
        )


async def test_an_image_is_copied_checked_and_reencoded(
    client: tuple[Client, Services], remote: Peer
) -> None:
    _, svc = client
    remote.files["ok.png"] = (_png(), "image/png")
    media_id = await _queued(svc, remote, "ok.png")
    assert await image_cache.process_due(svc) == 1
    row = await _row(svc, media_id)
    assert row is not None and row.file_name is not None
    fetch = await _fetch(svc, media_id)
    assert (fetch.state, fetch.attempts, fetch.locked_until) == ("done", 1, None)
    data = (svc.media_dir / row.file_name).read_bytes()
    assert (row.width, row.height, row.file_size) == (40, 30, len(data))
    with Image.open(BytesIO(data)) as copy:
        assert copy.format == svc.settings.media.format.upper() and copy.size == (40, 30)
    assert row.blurhash == "LKO2?U%2Tw=w]~RBVZRi};RPxuwH"  # the sender's is kept
    assert await image_cache.process_due(svc) == 0  # nothing waits any more


async def test_a_host_failing_for_now_is_tried_again_later(
    client: tuple[Client, Services], remote: Peer
) -> None:
    _, svc = client
    remote.files["flaky.png"] = (_png(), "image/png")
    remote.file_errors["flaky.png"] = [503, 429]
    media_id = await _queued(svc, remote, "flaky.png")
    for attempts in (1, 2):
        assert await image_cache.process_due(svc) == 1
        row, fetch = await _row(svc, media_id), await _fetch(svc, media_id)
        assert row is not None and row.file_name is None
        assert (fetch.state, fetch.attempts) == ("pending", attempts)
        assert fetch.last_error is not None and str((503, 429)[attempts - 1]) in fetch.last_error
        assert fetch.next_attempt_at > utcnow()  # backing off
        assert await image_cache.process_due(svc) == 0  # not before it is due
        await _due_now(svc, media_id)
    assert await image_cache.process_due(svc) == 1
    row = await _row(svc, media_id)
    assert row is not None and row.file_name is not None
    assert (await _fetch(svc, media_id)).state == "done"
    assert remote.file_requests == ["flaky.png"] * 3


async def test_what_another_try_cannot_change_is_not_tried_again(
    client: tuple[Client, Services], remote: Peer
) -> None:
    """A 404 or 410, or a body that is no image we take: given up at once; a link stays."""
    _, svc = client
    remote.files["page.png"] = (b"<html>not an image</html>", "image/png")
    remote.file_errors["gone.png"] = [410]
    ids = [await _queued(svc, remote, name) for name in ("missing.png", "gone.png", "page.png")]
    files = _files(svc)
    assert await image_cache.process_due(svc) == 3
    for media_id in ids:
        row, fetch = await _row(svc, media_id), await _fetch(svc, media_id)
        assert row is not None and row.remote_url is not None and row.file_name is None
        assert (fetch.state, fetch.attempts) == ("failed", 1)
        assert fetch.last_error
    assert _files(svc) == files


async def test_an_image_on_a_blocked_server_or_not_on_the_web_is_not_fetched(
    client: tuple[Client, Services], remote: Peer
) -> None:
    _, svc = client
    remote.files["ok.png"] = (_png(), "image/png")
    blocked = await _queued(svc, remote, "ok.png")
    odd = await _queued(svc, remote, "odd.png")
    async with svc.sessions.begin() as session:
        await session.execute(
            update(MediaAttachment)
            .where(MediaAttachment.id == odd)
            .values(remote_url="ftp://127.0.0.1/odd.png")
        )
    async with svc.sessions.begin() as session:  # as `impasto admin block-domain` does
        await domain_blocks.add(session, f"127.0.0.1:{remote.port}")
    assert await image_cache.process_due(svc) == 2
    for media_id, reason in ((blocked, "is blocked here"), (odd, "not an http(s) URL")):
        fetch = await _fetch(svc, media_id)
        assert (fetch.state, fetch.attempts) == ("failed", 1)
        assert fetch.last_error is not None and reason in fetch.last_error
    assert remote.file_requests == []


NEVER = [
    ("ftp://127.0.0.1:{port}/files/ok.png", "not an http(s) URL"),
    ("data:image/png;base64,iVBORw0KGgo=", "not an http(s) URL"),
    ("http://user:secret@127.0.0.1:{port}/files/ok.png", "a user name or password"),
    ("http://0x7f.1:{port}/files/ok.png", "not an IPv4 address written canonically"),
    ("http://2130706433:{port}/files/ok.png", "not an IPv4 address written canonically"),
    ("http://127.1:{port}/files/ok.png", "not an IPv4 address written canonically"),
    ("http://[::1:{port}/files/ok.png", "not a valid URL"),
    ("http://127.0.0.1:99999/files/ok.png", "not a valid URL"),
    ("http://bad host:{port}/files/ok.png", "not a valid host name"),
]


async def test_an_image_url_that_can_never_be_fetched_fails_at_once(
    client: tuple[Client, Services], remote: Peer
) -> None:
    """Not http(s), credentials in it, or a host that is no canonical name or address: failed
    for good on the first try, without a request (loopback is allowed in tests, so 0x7f.1 and
    user:secret@ would otherwise be fetched), and so is a redirect to such a URL."""
    _, svc = client
    remote.files["ok.png"] = (_png(), "image/png")
    remote.redirects["moved"] = f"http://0x7f.1:{remote.port}/files/ok.png"
    cases = [*NEVER, (f"{remote.base}/users/moved", "not an IPv4 address written canonically")]
    ids = []
    for n, (url, _) in enumerate(cases):
        media_id = await _queued(svc, remote, f"never-{n}.png")
        async with svc.sessions.begin() as session:
            await session.execute(
                update(MediaAttachment)
                .where(MediaAttachment.id == media_id)
                .values(remote_url=url.format(port=remote.port))
            )
        ids.append(media_id)
    files = _files(svc)
    assert await image_cache.process_due(svc, limit=len(ids)) == len(ids)
    for media_id, (url, reason) in zip(ids, cases, strict=True):
        fetch = await _fetch(svc, media_id)
        assert (fetch.state, fetch.attempts) == ("failed", 1), url
        assert fetch.last_error is not None and reason in fetch.last_error, url
    assert remote.file_requests == []
    assert _files(svc) == files


async def test_it_gives_up_after_five_tries(client: tuple[Client, Services], remote: Peer) -> None:
    _, svc = client
    remote.file_errors["down.png"] = [503] * 10
    media_id = await _queued(svc, remote, "down.png")
    for _ in range(image_cache.MAX_ATTEMPTS):
        await _due_now(svc, media_id)
        assert await image_cache.process_due(svc) == 1
    fetch = await _fetch(svc, media_id)
    assert (fetch.state, fetch.attempts) == ("failed", image_cache.MAX_ATTEMPTS)
    row = await _row(svc, media_id)
    assert row is not None and row.file_name is None
    await _due_now(svc, media_id)  # (even when due)
    assert await image_cache.process_due(svc) == 0
    assert len(remote.file_requests) == image_cache.MAX_ATTEMPTS


async def test_a_copy_whose_post_went_meanwhile_is_not_kept(
    client: tuple[Client, Services], remote: Peer
) -> None:
    _, svc = client
    remote.files["late.png"] = (_png(), "image/png")
    gate = remote.file_gates["late.png"] = asyncio.Event()
    media_id = await _queued(svc, remote, "late.png")
    files = _files(svc)
    step = asyncio.create_task(image_cache.process_due(svc))
    await asyncio.wait_for(remote.file_asked.wait(), timeout=10)  # the worker is fetching it
    async with svc.sessions.begin() as session:
        row = await session.get(MediaAttachment, media_id)
        assert row is not None and row.post_id is not None
        await session.delete(await session.get(Post, row.post_id))
    gate.set()
    assert await step == 1
    assert await _row(svc, media_id) is None
    assert _files(svc) == files


def _cached_file(server: Server, note_id: str) -> str | None:
    async def read(session: AsyncSession) -> str | None:
        stmt = (
            select(MediaAttachment.file_name)
            .join(Post, Post.id == MediaAttachment.post_id)
            .where(Post.uri == note_id)
        )
        return await session.scalar(stmt)

    return query(server.config, read)


async def test_a_slow_image_host_does_not_hold_up_the_inbox(server: Server, remote: Peer) -> None:
    """A running server: while the host of one post's image has not answered, the post is
    stored and the next activities are handled; the copy comes when the host answers."""
    mallory, alice = remote.actors["mallory"], f"{server.base}/users/alice"
    remote.files["slow.png"] = (_png(), "image/png")
    gate = remote.file_gates["slow.png"] = asyncio.Event()

    def note(n: int, attachment: list[dict[str, str]]) -> dict[str, Any]:
        return {
            "id": f"{mallory.id}/notes/{n}",
            "type": "Note",
            "attributedTo": mallory.id,
            "content": f"<p>@alice {n}</p>",
            "to": [PUBLIC, alice],
            "tag": [{"type": "Mention", "href": alice}],
            "attachment": attachment,
        }

    image = {"type": "Image", "mediaType": "image/png", "url": f"{remote.base}/files/slow.png"}
    await deliver_handled(server, mallory, activity("Create", mallory, note(1, [image]), 1))
    await asyncio.wait_for(remote.file_asked.wait(), timeout=20)  # the worker is fetching it
    await deliver_handled(server, mallory, activity("Create", mallory, note(2, []), 2))
    assert await asyncio.to_thread(_cached_file, server, f"{mallory.id}/notes/1") is None

    gate.set()
    name = await asyncio.to_thread(wait_for, lambda: _cached_file(server, f"{mallory.id}/notes/1"))
    with Image.open(server.config.parent / f"media-{server.port}" / name) as copy:
        assert copy.size == (40, 30)
