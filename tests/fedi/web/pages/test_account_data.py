"""/settings/export: the zip parsed back (each JSON document valid AS2, the posts as Create
activities of Notes whatever their visibility, the collections complete across pages, the
picture files present and byte-equal); /settings/delete: a wrong password refused, the right
one deletes the account, queues a Delete of the actor and ends the session."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fedi.domain import bookmarks, exports, profile, reactions
from fedi.domain import follows as following
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.web.pages.account_data import EXPORT_PERIOD
from fedi.web.ratelimit import Counters
from storage.accounts import local_account
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in
from tests.support.sent import follow, remote, sent

AS = "https://www.w3.org/ns/activitystreams"


def _context_has_as(doc: dict[str, Any]) -> bool:
    context = doc["@context"]
    return context == AS or (isinstance(context, list) and AS in context)


async def _download(http: Any) -> zipfile.ZipFile:
    token = csrf_of(await page(http, "/settings/export"))
    response = await http.post("/settings/export", form={"csrf_token": token})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(await response.get_data()))


async def test_the_export_holds_the_persons_data_as_as2_and_their_pictures(
    site: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, svc = site
    monkeypatch.setattr(exports, "PAGE", 2)  # several pages of everything
    await create_user(svc, "bob")
    trent = await remote(svc, "trent", "other.example")
    await follow(svc, trent, "alice")
    await following.follow(svc, "alice", "bob")
    mine = [
        await make_post(svc, Draft("alice", "a lighthouse at dawn")),
        await make_post(svc, Draft("alice", "a fox in the snow", visibility="private")),
        await make_post(svc, Draft("alice", "a harbour at night", visibility="unlisted")),
    ]
    theirs = await make_post(svc, Draft("bob", "a heron"))
    await reactions.like(svc, "alice", str(theirs.id))
    await bookmarks.bookmark(svc, "alice", str(theirs.id))
    await bookmarks.bookmark(svc, "alice", str(mine[0].id))
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(out, "PNG")
    await profile.update_profile(svc, "alice", profile.ProfileChange(avatar=out.getvalue()))
    await sign_in(http)
    archive = await _download(http)
    names = set(archive.namelist())
    documents = {"actor.json", "outbox.json", "following.json", "followers.json"}
    assert documents | {"likes.json", "bookmarks.json"} <= names
    docs = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}
    for doc in docs.values():
        assert _context_has_as(doc)
    actor = docs["actor.json"]
    assert actor["type"] == "Person" and actor["preferredUsername"] == "alice"
    outbox = docs["outbox.json"]
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 3
    creates = outbox["orderedItems"]
    assert [item["type"] for item in creates] == ["Create"] * 3
    assert [item["object"]["id"] for item in creates] == [post.uri for post in mine]
    assert all(item["object"]["type"] == "Note" for item in creates)
    assert all(item["actor"] == actor["id"] for item in creates)
    assert docs["following.json"]["orderedItems"] == [f"{svc.urls.base}/users/bob"]
    assert docs["followers.json"]["orderedItems"] == [trent.uri]
    assert docs["likes.json"]["orderedItems"] == [theirs.uri]
    assert docs["bookmarks.json"]["orderedItems"] == [theirs.uri, mine[0].uri]
    assert docs["bookmarks.json"]["totalItems"] == 2
    pictures = [a["url"] for item in creates for a in item["object"]["attachment"]]
    pictures.append(actor["icon"]["url"])
    assert len(pictures) == 4
    media = Path(svc.media_dir)
    for url in pictures:
        name = url.rsplit("/", 1)[1]
        assert archive.read(f"media/{name}") == (media / name).read_bytes()
    assert len([name for name in names if name.startswith("media/")]) == 4  # bob's not


async def test_delete_wants_the_password_then_deletes_federates_and_signs_out(
    site: Pair,
) -> None:
    http, svc = site
    trent = await remote(svc, "trent", "other.example")
    await follow(svc, trent, "alice")
    await sign_in(http)
    html = await page(http, "/settings/delete")
    assert '<label for="password">' in html
    wrong = await http.post(
        "/settings/delete", form={"csrf_token": csrf_of(html), "password": "not it"}
    )
    assert wrong.status_code == 422
    assert "password is wrong" in await wrong.get_data(as_text=True)
    async with svc.reads() as session:
        alice = await local_account(session, "alice")
    assert alice is not None and alice.suspended_at is None
    assert await sent(svc, "Delete") == []
    done = await http.post(
        "/settings/delete", form={"csrf_token": csrf_of(html), "password": PASSWORD}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/"
    async with svc.reads() as session:
        alice = await local_account(session, "alice", include_deleted=True)
    assert alice is not None and alice.suspended_at is not None
    [(delete, inboxes)] = await sent(svc, "Delete")
    assert delete["object"] == alice.uri and inboxes == ["https://other.example/inbox"]
    after = await http.get("/settings/profile")
    assert after.headers["Location"] == "/auth/sign_in?next=/settings/profile"
    assert (await sign_in(http)).status_code != 303  # the password is gone with it


async def test_one_export_per_window_then_a_429_that_says_when(site: Pair) -> None:
    http, svc = site
    now = [1_000_000 * EXPORT_PERIOD + 60.0]  # a minute into a window
    http.app.config["IMPASTO_RATE_COUNTERS"] = Counters(clock=lambda: now[0])  # type: ignore[attr-defined]
    await create_user(svc, "bob", password=PASSWORD)
    await sign_in(http)
    await _download(http)
    token = csrf_of(await page(http, "/settings/export"))
    again = await http.post("/settings/export", form={"csrf_token": token})
    html = await again.get_data(as_text=True)
    assert again.status_code == 429 and again.headers["Content-Type"].startswith("text/html")
    assert 0 < int(again.headers["Retry-After"]) <= EXPORT_PERIOD
    assert "The next one can be made at" in html and 'role="alert"' in html

    bob = http.app.test_client()  # type: ignore[attr-defined]
    await sign_in(bob, "bob")
    await _download(bob)  # counted per account: bob's first is made

    now[0] += EXPORT_PERIOD  # the next window
    await _download(http)
