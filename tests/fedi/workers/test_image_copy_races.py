"""A remote post deleted or edited while the image worker records its copy leaves no orphaned
file: whichever commits first, the copy is either kept by a row or unlinked.

The race is PostgreSQL's: a delete that read the file names first, then deleted the rows, let
the worker's UPDATE commit in between (a read takes no lock), and deleted the row with a file
name it never read. Here the worker records its copy right after the deleter's first statement
on media_attachments, while the deleter's transaction is open. SQLite has one writer at a
time (BEGIN IMMEDIATE), so there the worker waits for the deleter; the test runs on both."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from PIL import Image
from quart.typing import TestClientProtocol as Client
from sqlalchemy import event, select
from sqlalchemy.util import await_

from activitypub.activities import Activity
from fedi.core.services import Services
from fedi.domain.deletes import on_delete
from fedi.domain.edits import on_update_note
from fedi.media.files import new_file_name, write_file
from fedi.workers import images as image_cache
from storage import image_cache as queue
from storage.models import Account, MediaAttachment, Post
from tests.support import rows

BASE = "http://127.0.0.1:9/users"
MALLORY, NOTE = f"{BASE}/mallory", f"{BASE}/mallory/notes/1"
WAIT = 1.0  # how long the deleter's transaction stays open for the worker to record its copy


async def _queued(svc: Services) -> queue.Due:
    """mallory's post with an image that waits for its copy, leased to the worker."""
    async with svc.sessions.begin() as session:
        mallory = rows.account(MALLORY, "mallory", "127.0.0.1:9")
        session.add(mallory)
        await session.flush()
        post = Post(uri=NOTE, account_id=mallory.id, local=False, content_html="<p>1</p>")
        session.add(post)
        await session.flush()
        media = MediaAttachment(
            post_id=post.id,
            account_id=mallory.id,
            remote_url=f"{BASE}/mallory/1.png",
            media_type="image/png",
        )
        session.add(media)
        await queue.enqueue(session, [media])
    [due] = await queue.claim(svc.sessions, limit=1, lease=timedelta(minutes=5))
    return due


def _written(svc: Services) -> queue.Copy:
    """The worker's copy, written to the media folder (not recorded yet)."""
    out = BytesIO()
    Image.new("RGB", (4, 3), "green").save(out, "PNG")
    file_name = new_file_name("png")
    write_file(svc.media_dir, file_name, out.getvalue())
    return queue.Copy(file_name, len(out.getvalue()), 4, 3, None)


def _delete_note(svc: Services) -> Awaitable[None]:
    return on_delete(svc, Activity(f"{MALLORY}#delete/1", "Delete", MALLORY, NOTE, None, (), ()))


def _delete_actor(svc: Services) -> Awaitable[None]:
    return on_delete(svc, Activity(f"{MALLORY}#delete/2", "Delete", MALLORY, MALLORY, None, (), ()))


def _edit_with_another_image(svc: Services) -> Awaitable[None]:
    note = {
        "id": NOTE,
        "type": "Note",
        "attributedTo": MALLORY,
        "content": "<p>1, edited</p>",
        "updated": datetime.now(UTC).isoformat(),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "attachment": [{"type": "Image", "mediaType": "image/png", "url": f"{MALLORY}/2.png"}],
    }
    update = Activity(f"{MALLORY}#update/1", "Update", MALLORY, NOTE, note, (), ())
    return on_update_note(svc, update)


DELETERS: dict[str, Callable[[Services], Awaitable[None]]] = {
    "Delete(Note)": _delete_note,
    "Delete(actor)": _delete_actor,
    "Update(Note) with another image": _edit_with_another_image,
}


async def _files_and_names(svc: Services) -> tuple[set[str], set[str]]:
    """The media folder's files, and the file names the media rows hold."""
    async with svc.sessions.begin() as session:  # (on SQLite, after the deleter's commit)
        names = (await session.execute(select(MediaAttachment.file_name))).scalars()
        held = {name for name in names if name is not None}
    return {path.name for path in svc.media_dir.glob("*.*")}, held


@pytest.mark.parametrize("deleter", DELETERS)
async def test_a_copy_recorded_while_its_post_goes_is_not_orphaned(
    client: tuple[Client, Services], deleter: str
) -> None:
    _, svc = client
    item = await _queued(svc)
    before, _ = await _files_and_names(svc)  # alice's avatar
    copy = _written(svc)
    recorded: list[asyncio.Task[bool]] = []

    def race(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        """After the deleter's first statement on media_attachments, the worker records."""
        if recorded or "media_attachments" not in statement:
            return
        recorded.append(asyncio.ensure_future(image_cache.record(svc, item, copy)))
        # Waits (for the row lock on PostgreSQL, for the one write connection on SQLite)
        # unless the deleter's statement left it free to commit: give it time to.
        await_(asyncio.wait(recorded, timeout=WAIT))

    event.listen(svc.engine.sync_engine, "after_cursor_execute", race)
    try:
        await DELETERS[deleter](svc)
    finally:
        event.remove(svc.engine.sync_engine, "after_cursor_execute", race)
    assert recorded, "the deleter never touched media_attachments"
    await recorded[0]
    files, held = await _files_and_names(svc)
    assert files - held - before == set()  # no orphan
    assert copy.file_name not in files  # its row went: recorded first or not, the copy goes
    async with svc.reads() as session:
        assert (await session.scalar(select(Account).where(Account.uri == MALLORY)) is None) == (
            deleter == "Delete(actor)"
        )
