"""Deleting an own post and a local account, as a local user does it: what is removed, what
is queued for whom, and what the Note, actor and activity URLs answer afterwards. The app runs
without workers, so queued deliveries stay in the database to be read."""

from __future__ import annotations

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import delete, select

from fedi.core.errors import UserError
from fedi.core.services import Services
from fedi.domain import deletes, edits, reactions
from fedi.domain.accounts import AccountError, create_user
from fedi.domain.deletes import DeleteError
from fedi.domain.posting import Draft, make_post
from fedi.domain.profile import ProfileChange, update_profile
from storage.models import (
    Account,
    Follow,
    MediaAttachment,
    Mention,
    Notification,
    Post,
    Reaction,
    User,
)
from tests.support.model_hosts import image_bytes
from tests.support.sent import (
    AS2,
    PUBLIC,
    follow,
    gone,
    mallory_and_trent,
    remote,
    remote_post,
    sent,
)


async def test_only_the_author_deletes_and_everyone_who_got_it_hears(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    await create_user(svc, "bob")
    mallory, trent = await mallory_and_trent(svc)
    post = await make_post(svc, Draft("alice", "a lighthouse at dusk"))
    async with svc.sessions.begin() as session:
        media = (await session.execute(select(MediaAttachment))).scalars().one()
        await session.execute(delete(Follow))  # trent unfollows after receiving the Create
    await follow(svc, mallory, "alice")
    await reactions.like(svc, "bob", post.uri)
    note_path = post.uri.removeprefix(svc.urls.base)

    with pytest.raises(DeleteError, match="only its author can delete it"):
        await deletes.delete_post(svc, "bob", post.uri)
    assert (await http.get(note_path, headers={"Accept": AS2})).status_code == 200

    await deletes.delete_post(svc, "alice", post.url or "")
    [(doc, inboxes)] = await sent(svc, "Delete")
    assert doc["object"] == {"id": post.uri, "type": "Tombstone"} and doc["to"] == [PUBLIC]
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.shared_inbox_url or ""])
    async with svc.sessions() as session:
        stored = await session.get(Post, post.id)
        assert stored is not None and stored.deleted_at is not None
        assert (stored.content_html, stored.caption, stored.prompt) == ("", "", None)
        assert await session.scalar(select(MediaAttachment)) is None
        assert await session.scalar(select(Reaction)) is None
        assert await session.scalar(select(Notification)) is None
    assert media.file_name and not (svc.media_dir / media.file_name).exists()

    tombstone = await gone(http, note_path)
    assert tombstone == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": post.uri,
        "type": "Tombstone",
        "formerType": "Note",
        "deleted": tombstone["deleted"],
    }
    outbox = await http.get("/users/alice/outbox", headers={"Accept": AS2})
    assert (await outbox.get_json(force=True))["totalItems"] == 0
    with pytest.raises(UserError, match="was deleted"):
        await deletes.delete_post(svc, "alice", post.uri)


async def test_a_deleted_account_says_so_to_every_inbox_that_knew_it(
    client: tuple[Client, Services],
) -> None:
    http, svc = client
    mallory, trent = await mallory_and_trent(svc)
    mallory_post = await remote_post(svc, mallory, 1, "public")
    await reactions.like(svc, "alice", mallory_post.uri)  # reached mallory
    await make_post(svc, Draft("alice", "a kite"))

    assert await deletes.delete_account(svc, "alice") == 2
    [(doc, inboxes)] = await sent(svc, "Delete")
    assert doc["object"] == doc["actor"] == svc.urls.actor("alice")
    assert inboxes == sorted([trent.shared_inbox_url or "", mallory.inbox_url])
    async with svc.sessions() as session:
        alice = await session.scalar(select(Account).where(Account.username == "alice"))
        assert alice is not None and alice.suspended_at and alice.private_key_pem
        assert await session.scalar(select(Post).where(Post.account_id == alice.id)) is None
        assert await session.scalar(select(Follow)) is None
        assert await session.scalar(select(Reaction)) is None
        assert await session.scalar(select(User).where(User.account_id == alice.id)) is None

    await gone(http, "/users/alice")
    host = svc.settings.instance.host
    webfinger = await http.get(f"/.well-known/webfinger?resource=acct:alice@{host}")
    assert webfinger.status_code == 404
    delete_path = doc["id"].removeprefix(svc.urls.base)
    assert (await http.get(delete_path, headers={"Accept": AS2})).status_code == 200
    with pytest.raises(AccountError, match="no local user"):
        await reactions.like(svc, "alice", mallory_post.uri)


async def test_a_delete_reaches_those_an_edit_reached_and_those_mentioned_now(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    mallory, trent = await mallory_and_trent(svc)
    victor = await remote(svc, "victor", "third.example")
    wendy = await remote(svc, "wendy", "fourth.example")
    await remote(svc, "yvonne", "fifth.example")
    post = await make_post(svc, Draft("alice", "a kite"))  # the Create reaches trent
    await edits.edit(svc, "alice", post.uri, edits.Edit(caption="for @mallory@remote.example"))
    await edits.edit(svc, "alice", post.uri, edits.Edit(caption="for @victor@third.example"))
    other = await make_post(svc, Draft("alice", "a boat"))
    await edits.edit(svc, "alice", other.uri, edits.Edit(caption="@yvonne@fifth.example"))
    async with svc.sessions.begin() as session:
        await session.execute(delete(Follow))  # trent unfollows
        # A mention the edits did not deliver to (stored before deliveries were recorded).
        session.add(Mention(post_id=post.id, account_id=wendy.id))
    await deletes.delete_post(svc, "alice", post.uri)
    [(_, inboxes)] = await sent(svc, "Delete")
    # mallory was mentioned only by the first edit, which is all that gave her a copy;
    # yvonne got an edit of another post only.
    expected = [trent, mallory, victor, wendy]
    assert inboxes == sorted(account.shared_inbox_url or "" for account in expected)


async def test_a_deleted_accounts_avatar_and_header_files_go_with_it(
    client: tuple[Client, Services],
) -> None:
    _, svc = client
    pictures = ProfileChange(avatar=image_bytes(), header=image_bytes(size=(30, 10)))
    account = await update_profile(svc, "alice", pictures)
    names = [url.removeprefix(svc.urls.media("")) for url in (account.icon_url, account.header_url)]
    files = [svc.media_dir / name for name in names if name]
    assert len(files) == 2 and all(path.exists() for path in files)

    await deletes.delete_account(svc, "alice")
    assert [path.name for path in files if path.exists()] == []
    async with svc.sessions() as session:
        row = (await session.execute(select(Account).where(Account.username == "alice"))).scalar()
        assert row is not None and (row.icon_url, row.header_url) == (None, None)
