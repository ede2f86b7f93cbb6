"""The profile page: header, avatar, linked bio and fields, counts, pinned pictures first,
and a follow button for someone signed in (a CSRF-checked form)."""

from __future__ import annotations

from fedi.domain import auth, pins
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.domain.profile import ProfileChange, update_profile
from storage import follows
from storage.accounts import local_account
from tests.support.html import elements
from tests.support.oauth import PASSWORD, Pair, csrf_of, page
from tests.support.pictures import picture


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
    assert 'action="/@alice/remote_follow"' in html  # follow from the visitor's own server


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


async def test_the_page_shows_header_linked_bio_and_fields(client: Pair) -> None:
    http, svc = client
    change = ProfileChange(
        display_name="Alice",
        note="Painter of #lighthouses <b>bold</b>\nMore at https://example.com/alice",
        header=picture(300, 100),
        fields=[("Site", "https://example.com/alice"), ("Pronouns", "she/<her>")],
    )
    await update_profile(svc, "alice", change)
    html = await page(http, "/@alice")
    header = [img for img in elements(html, "img") if "profile-header" in img.attrs["class"]]
    assert len(header) == 1 and header[0].attrs["src"].startswith(f"{svc.urls.base}/media/")
    assert header[0].attrs["alt"] == "Header picture of Alice"
    bio = [a.attrs["href"] for a in elements(html, "a") if a.inside("div")]
    assert f"{svc.urls.base}/tags/lighthouses" in bio and "https://example.com/alice" in bio
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    terms = [(dt.text, dt.ancestors[-1]) for dt in elements(html, "dt")]
    assert terms == [("Site", "dl"), ("Pronouns", "dl")]
    values = [dd.text for dd in elements(html, "dd")]
    assert values == ["https://example.com/alice", "she/<her>"]
    linked = [a for a in elements(html, "a") if a.inside("dd")]
    assert [a.attrs["href"] for a in linked] == ["https://example.com/alice"]


async def test_a_header_on_another_host_is_not_loaded(client: Pair) -> None:
    http, svc = client
    async with svc.sessions.begin() as session:
        alice = await local_account(session, "alice")
        assert alice is not None
        alice.header_url = "https://elsewhere.example/header.png"
    html = await page(http, "/@alice")
    assert "elsewhere.example" not in html and "profile-header" not in html
