"""/notifications: who followed, liked or boosted, linking to them and to the post, newest
first with 'Older' paging; only for someone signed in."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from fedi.domain import follows, reactions
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.web.pages import notifications
from tests.support.oauth import PASSWORD, Pair, page, sign_in


async def test_notifications_need_sign_in(site: Pair) -> None:
    answer = await site[0].get("/notifications")
    assert answer.status_code == 302
    assert answer.location == "/auth/sign_in?next=/notifications"


async def test_who_did_what_to_which_post(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD, display_name="Bob")
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    await follows.follow(svc, "bob", "alice")
    await reactions.like(svc, "bob", str(post.id))
    await reactions.boost(svc, "bob", str(post.id))
    await sign_in(http)
    html = await page(http, "/notifications")
    said = re.findall(r'<strong>Bob</strong></a> <span class="handle">[^<]+</span> ([a-z ]+)', html)
    assert said == ["boosted your post", "liked your post", "followed you"]
    assert html.count(f'href="/@alice/{post.id}"') == 2 and 'href="/@bob"' in html
    assert "a lighthouse at dawn" in html


async def test_a_follow_request_links_to_the_requests(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "carol", password=PASSWORD, manually_approves=True)
    await create_user(svc, "bob", password=PASSWORD)
    await follows.follow(svc, "bob", "carol")
    await sign_in(http, "carol")
    html = await page(http, "/notifications")
    assert "asked to follow you" in html and 'href="/settings/follow_requests"' in html


async def test_older_notifications(site: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    http, svc = site
    monkeypatch.setattr(notifications, "PAGE_SIZE", 1)
    for name in ("bob", "carol"):
        await create_user(svc, name, password=PASSWORD)
        await follows.follow(svc, name, "alice")
    await sign_in(http)
    first = await page(http, "/notifications")
    assert 'href="/@carol"' in first and 'href="/@bob"' not in first
    older = re.search(r'href="(/notifications\?max_id=\d+)">Older', first)
    assert older is not None
    second = await page(http, older.group(1))
    assert 'href="/@bob"' in second and 'href="/@carol"' not in second


async def test_a_warned_post_is_previewed_by_its_warning_only(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD, display_name="Bob")
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    warned = Draft("bob", "a shipwreck", caption="quite dark", content_warning="stormy")
    await make_post(svc, replace(warned, in_reply_to=str(post.id)))
    await sign_in(http)
    html = await page(http, "/notifications")
    assert "replied to your post" in html and "Content warning: stormy" in html
    assert "mentioned you" not in html  # a reply names whom it answers: one notice, a reply
    assert "quite dark" not in html and "a shipwreck" not in html
