"""The profile page: avatar, counts, pinned pictures first, and a follow button for someone
signed in (a CSRF-checked form)."""

from __future__ import annotations

from fedi.domain import auth, pins
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from storage import follows
from storage.accounts import local_account
from tests.support.oauth import PASSWORD, Pair, csrf_of, page


async def test_a_visitor_sees_avatar_counts_and_pinned_first(client: Pair) -> None:
    http, svc = client
    first = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    second = await make_post(svc, Draft("alice", "a fox in the snow"))
    await pins.pin(svc, "alice", str(first.id))
    html = await page(http, "/@alice")
    assert '<img class="avatar"' in html
    assert "<strong>2</strong> posts" in html and "<strong>0</strong> followers" in html
    pinned = html.index('aria-label="Pinned pictures"')
    rest = html.index('aria-label="Pictures"')
    assert pinned < html.index(str(first.url)) < rest < html.index(str(second.url))
    assert "search there for" in html and 'action="/@alice/follow"' not in html


async def test_signed_in_follow_and_unfollow_from_the_page(client: Pair) -> None:
    http, svc = client
    await create_user(svc, "bob", password=PASSWORD)
    token = csrf_of(await page(http, "/auth/sign_in"))
    form = {"csrf_token": token, "username": "bob", "password": PASSWORD}
    assert (await http.post("/auth/sign_in", form=form)).status_code == 303
    html = await page(http, "/@alice")
    assert 'action="/@alice/follow"' in html
    forged = await http.post("/@alice/follow", form={"csrf_token": "forged"})
    assert forged.status_code == 403
    done = await http.post("/@alice/follow", form={"csrf_token": csrf_of(html)})
    assert done.status_code == 303
    async with svc.reads() as session:
        alice, bob = await local_account(session, "alice"), await local_account(session, "bob")
        assert alice and bob
        row = await follows.get(session, bob.id, alice.id)
        assert row is not None and row.state == "accepted"
    html = await page(http, "/@alice")
    assert "<strong>1</strong> follower" in html and ">Unfollow<" in html
    await http.post("/@alice/unfollow", form={"csrf_token": csrf_of(html)})
    async with svc.reads() as session:
        assert await follows.get(session, bob.id, alice.id) is None
    assert (await auth.sign_in(svc, "bob", PASSWORD, "10.0.0.1")).account.username == "bob"
