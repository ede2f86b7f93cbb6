"""/settings/follow_requests (approve: the follower is sent an Accept; reject: a Reject) and
blocks: the Block button on a profile page, the list at /settings/blocks with Unblock, and
a remote account blocked and unblocked by its user@host name."""

from __future__ import annotations

from fedi.core.services import Services
from fedi.domain import follows as following
from fedi.domain.accounts import create_user
from storage import blocks, follows
from storage.accounts import local_account
from storage.models import Account, Follow
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in
from tests.support.sent import remote, sent


async def _local(svc: Services, name: str) -> Account:
    async with svc.reads() as session:
        account = await local_account(session, name)
    assert account is not None
    return account


async def _follow_row(svc: Services, follower: Account, target: Account) -> Follow | None:
    async with svc.reads() as session:
        return await follows.get(session, follower.id, target.id)


async def test_approve_and_reject_follow_requests(site: Pair) -> None:
    http, svc = site
    alice = await _local(svc, "alice")
    async with svc.sessions.begin() as session:
        row = await session.get(Account, alice.id)
        assert row is not None
        row.manually_approves_followers = True
    trent = await remote(svc, "trent", "other.example")
    async with svc.sessions.begin() as session:
        await follows.add(
            session,
            follower_id=trent.id,
            target_id=alice.id,
            uri="https://other.example/follows/1",
            state="pending",
        )
    await create_user(svc, "bob", password=PASSWORD)
    await following.follow(svc, "bob", "alice")
    bob = await _local(svc, "bob")
    await sign_in(http)
    html = await page(http, "/settings/follow_requests")
    assert "@trent@other.example" in html and "@bob@" in html
    assert f'action="/settings/follow_requests/{trent.id}/approve"' in html
    token = csrf_of(html)
    done = await http.post(
        f"/settings/follow_requests/{trent.id}/approve", form={"csrf_token": token}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/settings/follow_requests"
    found = await _follow_row(svc, trent, alice)
    assert found is not None and found.state == "accepted"
    accepts = await sent(svc, "Accept")
    assert [inboxes for _, inboxes in accepts] == [["https://other.example/users/trent/inbox"]]
    assert accepts[0][0]["object"]["id"] == "https://other.example/follows/1"
    await http.post(f"/settings/follow_requests/{bob.id}/reject", form={"csrf_token": token})
    assert await _follow_row(svc, bob, alice) is None
    left = await page(http, "/settings/follow_requests")
    assert "No one is waiting." in left
    missing = await http.post(
        "/settings/follow_requests/999999/approve", form={"csrf_token": token}
    )
    assert missing.status_code == 404


async def test_block_from_the_profile_page_and_unblock_from_the_list(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD)
    await following.follow(svc, "bob", "alice")
    alice, bob = await _local(svc, "alice"), await _local(svc, "bob")
    await sign_in(http)
    profile = await page(http, "/@bob")
    assert 'action="/@bob/block"' in profile and ">Block<" in profile
    done = await http.post("/@bob/block", form={"csrf_token": csrf_of(profile)})
    assert done.status_code == 303 and done.headers["Location"] == "/@bob"
    async with svc.reads() as session:
        assert await blocks.get(session, alice.id, bob.id) is not None
    assert await _follow_row(svc, bob, alice) is None  # a block ends the follows
    profile = await page(http, "/@bob")
    assert 'action="/@bob/unblock"' in profile and 'action="/@bob/follow"' not in profile
    listing = await page(http, "/settings/blocks")
    assert "@bob@" in listing and 'action="/@bob/unblock"' in listing
    form = {"csrf_token": csrf_of(listing), "next": "/settings/blocks"}
    undone = await http.post("/@bob/unblock", form=form)
    assert undone.headers["Location"] == "/settings/blocks"
    async with svc.reads() as session:
        assert await blocks.get(session, alice.id, bob.id) is None
    assert "You block no one." in await page(http, "/settings/blocks")
    # `next` leads back on this site only.
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil"):
        away = await http.post("/@bob/block", form={**form, "next": elsewhere})
        assert away.headers["Location"] == "/@bob"
        await http.post("/@bob/unblock", form=form)
    assert (await http.post("/@nobody/block", form=form)).status_code == 404
    assert (await http.post("/@alice/block", form=form)).status_code == 303  # oneself: no-op
    async with svc.reads() as session:
        assert await blocks.get(session, alice.id, alice.id) is None


async def test_a_remote_account_is_blocked_by_its_handle_and_hears_of_it(site: Pair) -> None:
    http, svc = site
    trent = await remote(svc, "trent", "other.example")
    await sign_in(http)
    token = csrf_of(await page(http, "/settings/blocks"))
    done = await http.post("/@trent@other.example/block", form={"csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/settings/blocks"
    [(block, inboxes)] = await sent(svc, "Block")
    assert block["object"] == trent.uri and inboxes == [trent.inbox_url]
    listing = await page(http, "/settings/blocks")
    assert "@trent@other.example" in listing
    assert 'action="/@trent@other.example/unblock"' in listing
    await http.post("/@trent@other.example/unblock", form={"csrf_token": token})
    [(undo, _)] = await sent(svc, "Undo")
    assert undo["object"]["type"] == "Block"
