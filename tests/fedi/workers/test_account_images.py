"""Copies of remote actors' avatars and headers (fedi.workers.account_images): the test peer
on 127.0.0.1 serves mallory's actor with an `icon` and an `image`; storing her queues both,
the image worker's step copies them scaled down, and the pages and the API then give this
server's copy. A changed picture replaces its copy, a bad one is refused (the initial stays),
and the copies go with a deleted actor or a blocked server. The app runs without its
workers: each test runs the worker's step itself."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from io import BytesIO
from typing import Any

from PIL import Image
from sqlalchemy import select, update

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain import deletes, moderation
from fedi.federation.actors import fetch_actor
from fedi.workers import account_images as worker
from fedi.workers.image_fetch import MAX_ATTEMPTS
from storage import accounts
from storage.models import Account, AccountImageFetch, Post
from storage.timeutil import utcnow
from tests.support.api_scene import get
from tests.support.oauth import Pair, page
from tests.support.peer import Peer

MISSING = "/static/missing.png"


def _png(width: int, height: int, colour: str = "teal") -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


async def _store(
    svc: Services, remote: Peer, name: str, icon: str | None, image: str | None
) -> Account:
    """Store (or refresh) the peer's actor `name` whose avatar and header are the peer's
    /files/ICON and /files/IMAGE, as a fetch of the actor does."""
    actor = remote.actors[name]
    actor.icon = f"{remote.base}/files/{icon}" if icon else None
    actor.image = f"{remote.base}/files/{image}" if image else None
    return await fetch_actor(svc, actor.id)


async def _account(svc: Services, account_id: int) -> Account:
    async with svc.reads() as session:
        found = await session.get(Account, account_id)
    assert found is not None
    return found


async def _fetches(svc: Services, account_id: int) -> dict[str, AccountImageFetch]:
    async with svc.reads() as session:
        rows = await session.scalars(
            select(AccountImageFetch).where(AccountImageFetch.account_id == account_id)
        )
        return {row.kind: row for row in rows}


def _files(svc: Services) -> set[str]:
    """The media directory's files (alice's avatar among them)."""
    return {path.name for path in svc.media_dir.glob("*")}


def _size(svc: Services, name: str | None) -> tuple[int, int]:
    assert name is not None
    with Image.open(svc.media_dir / name) as copy:
        assert copy.format == svc.settings.media.format.upper()  # re-encoded
        return copy.size


async def _due_now(svc: Services, account_id: int) -> None:
    """Move the account's waiting retries to now (as if their backoff had passed)."""
    async with svc.sessions.begin() as session:
        await session.execute(
            update(AccountImageFetch)
            .where(AccountImageFetch.account_id == account_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def _shown(http: Any, remote: Peer) -> str:
    """The account's page here; it never names a file on the peer."""
    html = await page(http, f"/@mallory@127.0.0.1:{remote.port}")
    assert f"{remote.base}/files/" not in html
    return html


async def test_the_avatar_and_header_are_copied_scaled_down_and_shown(
    client: Pair, remote: Peer
) -> None:
    http, svc = client
    remote.files["face.png"] = (_png(900, 700), "image/png")
    remote.files["wide.png"] = (_png(3000, 600, "navy"), "image/png")
    mallory = await _store(svc, remote, "mallory", "face.png", "wide.png")
    assert 'class="avatar initial"' in await _shown(http, remote)  # until copied
    before = await get(http, f"/api/v1/accounts/{mallory.id}")
    assert before["avatar"] == before["header"] == svc.settings.instance.url + MISSING

    assert await worker.process_due(svc) == 2
    row = await _account(svc, mallory.id)
    assert _size(svc, row.avatar_file) == (400, 311)  # within Mastodon's 400x400
    assert _size(svc, row.header_file) == (1500, 300)  # within 1500x500
    assert {kind: fetch.state for kind, fetch in (await _fetches(svc, row.id)).items()} == {
        "avatar": "done",
        "header": "done",
    }
    avatar, header = svc.urls.media(str(row.avatar_file)), svc.urls.media(str(row.header_file))
    shown = await get(http, f"/api/v1/accounts/{mallory.id}")
    assert (shown["avatar"], shown["avatar_static"]) == (avatar, avatar)
    assert (shown["header"], shown["header_static"]) == (header, header)
    html = await _shown(http, remote)
    assert f'<img class="avatar" src="{avatar}"' in html and 'class="avatar initial"' not in html
    assert f'<img class="profile-header" src="{header}"' in html
    served = await http.get(f"/media/{row.avatar_file}")
    assert served.status_code == 200 and served.headers["X-Content-Type-Options"] == "nosniff"

    # A post of hers shows the copy in its byline.
    post = Post(uri=f"{row.uri}/statuses/1", account_id=row.id, local=False, visibility="public")
    async with svc.sessions.begin() as session:
        session.add(post)
    assert f'src="{avatar}"' in await page(http, f"/posts/{post.id}")
    assert await worker.process_due(svc) == 0  # nothing waits any more


async def test_a_changed_picture_replaces_its_copy_and_a_removed_one_goes(
    client: Pair, remote: Peer
) -> None:
    http, svc = client
    remote.files["face.png"] = (_png(500, 500), "image/png")
    remote.files["new-face.png"] = (_png(120, 80, "red"), "image/png")
    remote.files["wide.png"] = (_png(1000, 400), "image/png")
    mallory = await _store(svc, remote, "mallory", "face.png", "wide.png")
    assert await worker.process_due(svc) == 2
    first = await _account(svc, mallory.id)
    assert first.avatar_file and first.header_file

    await _store(svc, remote, "mallory", "face.png", "wide.png")  # refreshed, as it was
    assert await worker.process_due(svc) == 0
    again = await _account(svc, mallory.id)
    assert (again.avatar_file, again.header_file) == (first.avatar_file, first.header_file)

    await _store(svc, remote, "mallory", "new-face.png", "wide.png")
    changed = await _account(svc, mallory.id)
    assert changed.avatar_file is None and first.avatar_file not in _files(svc)  # at once
    assert changed.header_file == first.header_file
    assert 'class="avatar initial"' in await _shown(http, remote)
    assert await worker.process_due(svc) == 1
    now = await _account(svc, mallory.id)
    assert now.avatar_file not in (None, first.avatar_file)
    assert _size(svc, now.avatar_file) == (120, 80)
    assert f'src="{svc.urls.media(str(now.avatar_file))}"' in await _shown(http, remote)
    assert sorted(remote.file_requests) == ["face.png", "new-face.png", "wide.png"]  # once each

    await _store(svc, remote, "mallory", "new-face.png", None)  # she took her header down
    gone = await _account(svc, mallory.id)
    assert gone.header_file is None and first.header_file not in _files(svc)
    assert set(await _fetches(svc, mallory.id)) == {"avatar"}
    shown = await get(http, f"/api/v1/accounts/{mallory.id}")
    assert shown["header"] == svc.settings.instance.url + MISSING


async def test_a_picture_that_is_no_image_or_too_big_is_refused_and_the_initial_stays(
    client: Pair, remote: Peer
) -> None:
    http, svc = client
    remote.files["page.png"] = (b"<html>not a picture</html>", "image/png")
    limit = svc.settings.limits.profile_image_bytes
    remote.files["huge.png"] = (b"\x89PNG" + b"\0" * limit, "image/png")
    files = _files(svc)
    mallory = await _store(svc, remote, "mallory", "page.png", "huge.png")
    assert await worker.process_due(svc) == 2
    fetches = await _fetches(svc, mallory.id)
    assert {(f.state, f.attempts) for f in fetches.values()} == {("failed", 1)}  # for good
    assert "not an image" in str(fetches["avatar"].last_error)
    assert str(limit) in str(fetches["header"].last_error)
    row = await _account(svc, mallory.id)
    assert row.avatar_file is None and row.header_file is None and _files(svc) == files
    assert 'class="avatar initial"' in await _shown(http, remote)
    shown = await get(http, f"/api/v1/accounts/{mallory.id}")
    assert shown["avatar"] == shown["header"] == svc.settings.instance.url + MISSING
    await _due_now(svc, mallory.id)
    assert await worker.process_due(svc) == 0


async def test_a_failing_host_is_tried_again_a_bounded_number_of_times(
    client: Pair, remote: Peer
) -> None:
    """Five tries with backoff, as a post's picture; then again when the actor is refreshed
    a day or more later (as Mastodon downloads a missing avatar again)."""
    _, svc = client
    remote.files["face.png"] = (_png(64, 64), "image/png")
    remote.file_errors["face.png"] = [503]
    remote.file_errors["wide.png"] = [503] * 10
    mallory = await _store(svc, remote, "mallory", "face.png", "wide.png")
    assert await worker.process_due(svc) == 2
    fetches = await _fetches(svc, mallory.id)
    assert {(f.state, f.attempts) for f in fetches.values()} == {("pending", 1)}
    assert all(f.next_attempt_at > utcnow() for f in fetches.values())  # backing off
    assert await worker.process_due(svc) == 0  # not before it is due
    for _ in range(MAX_ATTEMPTS - 1):
        await _due_now(svc, mallory.id)
        await worker.process_due(svc)
    fetches = await _fetches(svc, mallory.id)
    assert (fetches["avatar"].state, fetches["avatar"].attempts) == ("done", 2)
    assert (fetches["header"].state, fetches["header"].attempts) == ("failed", MAX_ATTEMPTS)
    row = await _account(svc, mallory.id)
    assert row.avatar_file is not None and row.header_file is None
    await _due_now(svc, mallory.id)
    assert await worker.process_due(svc) == 0
    assert remote.file_requests.count("wide.png") == MAX_ATTEMPTS

    # Her actor refreshed: the header is not tried again the same day, but a day later.
    await _store(svc, remote, "mallory", "face.png", "wide.png")
    assert (await _fetches(svc, mallory.id))["header"].state == "failed"
    async with svc.sessions.begin() as session:
        await session.execute(
            update(AccountImageFetch)
            .where(AccountImageFetch.kind == "header")
            .values(next_attempt_at=utcnow() - timedelta(days=2))
        )
    remote.file_errors["wide.png"] = []
    remote.files["wide.png"] = (_png(600, 200), "image/png")
    await _store(svc, remote, "mallory", "face.png", "wide.png")
    assert await worker.process_due(svc) == 1
    assert _size(svc, (await _account(svc, mallory.id)).header_file) == (600, 200)


async def test_a_copy_of_a_picture_changed_meanwhile_is_not_kept(
    client: Pair, remote: Peer
) -> None:
    """The worker fetches the old avatar while a refresh names a new one: the old copy is
    removed, and the new picture still waits for its own copy."""
    _, svc = client
    remote.files["face.png"] = (_png(64, 64), "image/png")
    remote.files["new-face.png"] = (_png(32, 32, "red"), "image/png")
    gate = remote.file_gates["face.png"] = asyncio.Event()
    mallory = await _store(svc, remote, "mallory", "face.png", None)
    files = _files(svc)
    step = asyncio.create_task(worker.process_due(svc))
    await asyncio.wait_for(remote.file_asked.wait(), timeout=10)  # the worker is fetching it
    await _store(svc, remote, "mallory", "new-face.png", None)
    gate.set()
    assert await step == 1
    assert (await _account(svc, mallory.id)).avatar_file is None and _files(svc) == files
    waiting = (await _fetches(svc, mallory.id))["avatar"]
    assert (waiting.state, waiting.attempts) == ("pending", 0)
    assert waiting.remote_url.endswith("/files/new-face.png")
    assert await worker.process_due(svc) == 1
    assert _size(svc, (await _account(svc, mallory.id)).avatar_file) == (32, 32)


async def test_the_copies_go_with_a_deleted_actor_and_a_blocked_server(
    client: Pair, remote: Peer
) -> None:
    _, svc = client
    remote.files["face.png"] = (_png(64, 64), "image/png")
    remote.files["wide.png"] = (_png(300, 100), "image/png")
    files = _files(svc)
    await _store(svc, remote, "mallory", "face.png", "wide.png")
    trent = await _store(svc, remote, "trent", "face.png", "wide.png")
    assert await worker.process_due(svc) == 4
    assert len(_files(svc) - files) == 4

    gone = remote.actors["mallory"].id
    await deletes.on_delete(svc, Activity(f"{gone}#delete", "Delete", gone, gone, None, (), ()))
    async with svc.reads() as session:
        assert await accounts.by_uri(session, gone) is None
    kept = await _account(svc, trent.id)
    assert _files(svc) - files == {kept.avatar_file, kept.header_file}

    assert await moderation.block_domain(svc, f"127.0.0.1:{remote.port}")
    blocked = await _account(svc, trent.id)
    assert blocked.avatar_file is None and blocked.header_file is None
    assert _files(svc) == files and await _fetches(svc, trent.id) == {}
