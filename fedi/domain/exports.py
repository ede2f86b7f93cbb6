"""A person's data export: one zip of actor.json, outbox.json (their posts as the Create
activities that published them), following.json, followers.json, likes.json and
bookmarks.json (AS2 OrderedCollections, ids named after their files, as Mastodon's archive
names them) and the image files of their posts (and their avatar and header) under media/.

The zip is written to a temporary file a page of rows at a time, each JSON document streamed
into its entry, so neither the rows nor the archive are ever all in memory."""

from __future__ import annotations

import asyncio
import json
import tempfile
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from typing import IO, Any

from activitypub import objects
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.federation.as2.actors import actor_info
from fedi.federation.as2.notes import create, tags_of
from storage import exports, follows, posts, reactions
from storage.models import Account

PAGE = 50  # rows read, and kept, at a time
SPOOL = 8 * 1024 * 1024  # the archive stays in memory up to this size, then goes to disk
MEDIA = "media/"
Page = Callable[[int], Awaitable[Sequence[tuple[int, Any]]]]  # after id -> (key, item)


class _Collection:
    """An OrderedCollection written into a zip entry item by item."""

    def __init__(self, archive: zipfile.ZipFile, name: str, context: Any) -> None:
        self.entry = archive.open(name, "w", force_zip64=True)
        self.count = 0
        head = {"@context": context, "id": name, "type": "OrderedCollection"}
        self.entry.write(json.dumps(head)[:-1].encode() + b', "orderedItems": [')

    def add(self, item: Any) -> None:
        self.entry.write((", " if self.count else "").encode() + json.dumps(item).encode())
        self.count += 1

    def close(self) -> None:
        self.entry.write(f'], "totalItems": {self.count}}}'.encode())
        self.entry.close()


async def _write_pages(archive: zipfile.ZipFile, name: str, context: Any, read: Page) -> None:
    """Write every item `read` gives, page after page (each read from the last key before)."""
    collection = _Collection(archive, name, context)
    after = 0
    while True:
        rows = await read(after)
        for _, item in rows:
            collection.add(item)
        if len(rows) < PAGE:
            break
        after = rows[-1][0]
    collection.close()


async def _outbox(svc: Services, archive: zipfile.ZipFile, account: Account) -> list[str]:
    """outbox.json; the file names of the posts' stored pictures."""
    files: list[str] = []

    async def read(after: int) -> list[tuple[int, Any]]:
        async with svc.reads() as session:
            rows = await exports.own_posts(session, account.id, after_id=after, limit=PAGE)
            ids = [row.id for row in rows]
            media = await posts.media_of(session, ids)
            counts = await reactions.counts(session, ids)
            tags = await tags_of(session, ids)
        files.extend(item.file_name for row in rows for item in media[row.id] if item.file_name)
        return [
            (row.id, create(svc, account, row, media[row.id], counts[row.id], tags[row.id]))
            for row in rows
        ]

    await _write_pages(archive, "outbox.json", objects.CONTEXT, read)
    return files


def _relations(svc: Services, account: Account, *, followers: bool) -> Page:
    # Follows are paged newest first by id (as the followers collection pages them): the
    # last key read is the next page's max_id.
    async def read(last: int) -> list[tuple[int, Any]]:
        async with svc.reads() as session:
            rows = await follows.page(
                session, account.id, followers=followers, limit=PAGE, max_id=last or None
            )
        return [(key, uri) for key, uri in rows]

    return read


def _uris(svc: Services, account: Account, query: Any) -> Page:
    async def read(after: int) -> list[tuple[int, Any]]:
        async with svc.reads() as session:
            return list(await query(session, account.id, after_id=after, limit=PAGE))

    return read


def _own_picture(svc: Services, url: str | None) -> str | None:
    """The stored file name of an avatar or header we keep (None: none, or a remote one)."""
    prefix = svc.urls.media("")
    return url.removeprefix(prefix) if url and url.startswith(prefix) else None


def _add_files(svc: Services, archive: zipfile.ZipFile, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        path = svc.media_dir / name
        if name in seen or "/" in name or not path.is_file():
            continue
        seen.add(name)
        archive.write(path, MEDIA + name, compress_type=zipfile.ZIP_STORED)


async def archive(svc: Services, username: str) -> IO[bytes]:
    """The user's export as a zip in a temporary file (read from the start; closing it
    removes it). AccountNotFound and the like when the user cannot act."""
    async with svc.reads() as session:
        account = await acting_user(session, username)
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # the caller closes it
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            actor = objects.actor(actor_info(svc, account))
            zipped.writestr("actor.json", json.dumps(actor, indent=2))
            files = await _outbox(svc, zipped, account)
            for name, followers in (("following.json", False), ("followers.json", True)):
                read = _relations(svc, account, followers=followers)
                await _write_pages(zipped, name, objects.AS_CONTEXT, read)
            likes = _uris(svc, account, exports.liked_uris)
            await _write_pages(zipped, "likes.json", objects.AS_CONTEXT, likes)
            saved = _uris(svc, account, exports.bookmarked_uris)
            await _write_pages(zipped, "bookmarks.json", objects.AS_CONTEXT, saved)
            pictures = [_own_picture(svc, account.icon_url), _own_picture(svc, account.header_url)]
            files.extend(name for name in pictures if name)
            await asyncio.to_thread(_add_files, svc, zipped, files)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return target
