"""The timeline pages: /home for someone signed in, /local and /federated for anyone, newest
first with 'Older' paging; pictures with alt text, boosts, what is never shown (a
followers-only post of someone one does not follow), and the count timeline.js polls."""

from __future__ import annotations

import re

import pytest

from fedi.domain import follows, reactions
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.web.pages import timelines
from tests.support.oauth import PASSWORD, Pair, csrf_of, page, sign_in


def _entries(html: str) -> list[str]:
    """The entry ids of a page's feed items, in page order."""
    return re.findall(r'<article class="feed-item" id="entry-(\d+)"', html)


async def test_home_needs_sign_in_and_local_is_open_to_visitors(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn", caption="Morning"))
    answer = await http.get("/home")
    assert answer.status_code == 302 and answer.location == "/auth/sign_in?next=/home"
    local = await page(http, "/local")
    assert _entries(local) == [str(post.id)]
    assert 'alt="AI-generated image of: a lighthouse at dawn' in local
    assert f'href="/@alice/{post.id}"' in local and 'href="/@alice"' in local
    assert "Prompt: a lighthouse at dawn" in local and "Morning" in local
    assert 'action="/posts/' not in local  # no controls for a visitor
    assert _entries(await page(http, "/federated")) == [str(post.id)]


async def test_home_shows_own_and_followed_posts_and_boosts_with_controls(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD, display_name="Bob")
    own = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    theirs = await make_post(svc, Draft("bob", "a fox in the snow"))
    assert (await sign_in(http)).status_code == 303
    assert _entries(await page(http, "/home")) == [str(own.id)]
    await follows.follow(svc, "alice", "bob")
    assert _entries(await page(http, "/home")) == [str(theirs.id), str(own.id)]
    await reactions.boost(svc, "bob", str(own.id))
    html = await page(http, "/home")
    assert "Bob</a> boosted" in html
    assert f'action="/posts/{theirs.id}/like"' in html
    assert f'action="/posts/{theirs.id}/boost"' in html
    assert 'name="next" value="/home"' in html


async def test_a_followers_only_post_of_someone_not_followed_never_appears(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD)
    public = await make_post(svc, Draft("bob", "a public fox"))
    private = await make_post(svc, Draft("bob", "a private fox", visibility="private"))
    await sign_in(http)
    for path in ("/home", "/local", "/federated"):
        html = await page(http, path)
        assert str(private.id) not in html and "a private fox" not in html, path
    assert _entries(await page(http, "/local")) == [str(public.id)]
    signed_out = await http.post("/auth/sign_out", form={"csrf_token": csrf_of(html)})
    assert signed_out.status_code in (302, 303)
    for path in ("/local", "/federated"):  # a visitor neither
        html = await page(http, path)
        assert "Sign out" not in html and "a private fox" not in html


async def test_sensitive_pictures_are_behind_their_warning(site: Pair) -> None:
    http, svc = site
    await make_post(svc, Draft("alice", "a red fox", content_warning="bright colours"))
    html = await page(http, "/local")
    details = html[html.index('<details class="sensitive">') :]
    assert details.index("bright colours") < details.index('alt="AI-generated image of: a red fox')


async def test_older_pages_by_keyset(site: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    http, svc = site
    monkeypatch.setattr(timelines, "PAGE_SIZE", 2)
    made = [await make_post(svc, Draft("alice", f"picture {n}")) for n in range(3)]
    first = await page(http, "/local")
    assert _entries(first) == [str(made[2].id), str(made[1].id)]
    older = re.search(r'href="(/local\?max_id=\d+)">Older', first)
    assert older is not None
    second = await page(http, older.group(1))
    assert _entries(second) == [str(made[0].id)] and ">Older<" not in second


async def test_newer_counts_what_the_page_does_not_show_yet(site: Pair) -> None:
    http, svc = site
    first = await make_post(svc, Draft("alice", "picture one"))
    html = await page(http, "/local")
    assert f'data-newer="/timelines/local/newer" data-since="{first.id}"' in html
    assert '<script src="/static/timeline.js" defer>' in html
    url = f"/timelines/local/newer?since_id={first.id}"
    assert await (await http.get(url)).get_json() == {"count": 0}
    await make_post(svc, Draft("alice", "picture two"))
    assert await (await http.get(url)).get_json() == {"count": 1}
    home = await http.get(f"/timelines/home/newer?since_id={first.id}")
    assert home.status_code == 401  # a visitor has no home
