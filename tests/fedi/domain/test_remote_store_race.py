"""A remote note stored by two writers at once (the inbox worker taking its Create while
`impasto reply` fetches it from its origin) is stored once, and neither writer fails."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from activitypub.activities import RemoteNote
from fedi.core.services import Services
from fedi.domain import remote_posts
from storage import early_deletes
from storage.models import Account, Post
from tests.support import rows

AUTHOR = "http://127.0.0.1:8011/users/alice"
NOTE = "http://127.0.0.1:8011/users/alice/statuses/1"


def _note() -> RemoteNote:
    return RemoteNote(
        id=NOTE,
        attributed_to=AUTHOR,
        content_html="<p>a harbour at night</p>",
        summary=None,
        sensitive=False,
        published=None,
        url=None,
        in_reply_to=None,
        to=("https://www.w3.org/ns/activitystreams#Public",),
        cc=(),
        images=(),
        mentions=(),
    )


async def test_a_note_stored_meanwhile_by_another_writer_is_taken_as_stored(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    if svc.settings.database.url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE: look and insert never split")
    async with svc.sessions.begin() as session:
        author = rows.account(AUTHOR, "alice", "127.0.0.1:8011")
        session.add(author)
    among = early_deletes.among
    raced = []

    async def other_writer_first(session: Any, uris: list[str]) -> set[str]:
        # Our transaction has looked and found nothing; another one stores the note now.
        if not raced:
            raced.append(True)
            async with svc.sessions.begin() as other:
                other.add(Post(uri=NOTE, account_id=author.id, local=False, content_html=""))
        return await among(session, uris)

    monkeypatch.setattr(early_deletes, "among", other_writer_first)
    post = await remote_posts.store_fetched(svc, _note())
    assert raced == [True]
    assert post.uri == NOTE
    async with svc.reads() as session:
        count = await session.scalar(select(func.count()).where(Post.uri == NOTE))
        assert count == 1
        assert await session.scalar(select(func.count()).select_from(Account)) == 1
