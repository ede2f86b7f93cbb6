"""/search: local accounts and hashtags for anyone; `@user@host` looked up on its server only
for someone signed in, the account then linking to its page here."""

from __future__ import annotations

from urllib.parse import quote

from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from tests.support.oauth import PASSWORD, Pair, page, sign_in
from tests.support.peer import Peer


async def test_the_form_has_a_label_and_finds_local_accounts_and_hashtags(site: Pair) -> None:
    http, svc = site
    await create_user(svc, "bob", password=PASSWORD, display_name="Bob")
    html = await page(http, "/search")
    assert '<label for="q">' in html and 'id="q" name="q"' in html
    found = await page(http, "/search?q=bo")
    assert 'href="/@bob"' in found and "@bob@" in found
    tagged = await page(http, "/search?q=%23Foxes")
    assert 'href="/tags/foxes">#foxes</a>' in tagged


async def test_a_post_url_finds_the_post(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    html = await page(http, f"/search?q={quote(post.uri)}")
    assert f'id="entry-{post.id}"' in html and "AI-generated image of: a lighthouse" in html


async def test_handles_are_looked_up_for_someone_signed_in_only(site: Pair, remote: Peer) -> None:
    http, _ = site
    handle = f"mallory@127.0.0.1:{remote.port}"
    visitor = await page(http, f"/search?q={quote('@' + handle)}")
    assert "No accounts found." in visitor and f'href="/@{handle}"' not in visitor
    assert (await http.get(f"/@{handle}")).status_code == 404  # never stored
    await sign_in(http)
    found = await page(http, f"/search?q={quote('@' + handle)}")
    assert f'href="/@{handle}"' in found and f"@{handle}" in found
