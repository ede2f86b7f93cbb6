"""The post page's thread and provenance: replies below and the chain above, local and remote,
only those the viewer may see; a remote post's own page; the Made-with label and whether the
file carries C2PA Content Credentials."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fedi.core.services import Services
from fedi.domain import blocks
from fedi.domain.accounts import create_user
from fedi.domain.posting import Draft, make_post
from fedi.media.c2pa import MANIFEST_STORE, carries_credentials
from storage.models import Account, MediaAttachment, Post
from tests.support.html import elements
from tests.support.oauth import PASSWORD, Pair, page, sign_in
from tests.support.sent import remote


async def _remote_reply(svc: Services, author: Account, parent: Post, n: int) -> Post:
    """A stored reply of a remote author to `parent`, its HTML sanitised as on arrival."""
    reply = Post(
        uri=f"{author.uri}/statuses/{n}",
        url=f"https://{author.domain}/@{author.username}/{n}",
        account_id=author.id,
        local=False,
        visibility="public",
        in_reply_to_uri=parent.uri,
        content_html=f"<p>Lovely light, number {n}</p>",
    )
    async with svc.sessions.begin() as session:
        session.add(reply)
    return reply


async def test_a_visitor_sees_public_replies_local_and_remote_but_never_followers_only(
    site: Pair,
) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    await create_user(svc, "bob", display_name="Bob", password=PASSWORD)
    ref = str(post.id)
    await make_post(svc, Draft("bob", "a gull", caption="open reply", in_reply_to=ref))
    hidden = Draft("bob", "a crab", caption="for followers", in_reply_to=ref, visibility="private")
    await make_post(svc, hidden)
    mallory = await remote(svc, "mallory", "remote.example")
    answer = await _remote_reply(svc, mallory, post, 7)

    html = await page(http, f"/@alice/{post.id}")
    replies = html[html.index('aria-label="Replies"') :]
    assert "open reply" in replies and "Lovely light, number 7" in replies
    assert "for followers" not in html and "a crab" not in html
    links = {a.attrs["href"] for a in elements(replies, "a")}
    assert {"/@bob", "/@mallory@remote.example", f"/posts/{answer.id}"} <= links
    assert "@mallory@remote.example" in replies and "@bob@" in replies
    # Nothing is loaded from another host: every picture is ours.
    assert all(img.attrs["src"].startswith(("/", svc.urls.base)) for img in elements(html, "img"))

    assert (await sign_in(http, "bob")).status_code == 303
    assert "for followers" in await page(http, f"/@alice/{post.id}")  # its author sees it


async def test_a_remote_posts_page_shows_what_it_answers_and_a_local_one_redirects(
    site: Pair,
) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn", caption="my tower"))
    mallory = await remote(svc, "mallory", "remote.example")
    answer = await _remote_reply(svc, mallory, post, 8)
    picture = MediaAttachment(
        post_id=answer.id,
        account_id=mallory.id,
        remote_url="https://remote.example/media/8.png",
        media_type="image/png",
        description="a gull",
    )
    async with svc.sessions.begin() as session:
        session.add(picture)
    html = await page(http, f"/posts/{answer.id}")
    assert [a for a in elements(html, "a") if a.attrs["href"] == picture.remote_url]
    assert all(img.attrs["src"].startswith(("/", svc.urls.base)) for img in elements(html, "img"))
    above = html[: html.index('<article class="post">')]
    assert "my tower" in above and f'href="/@alice/{post.id}"' in above
    assert "Lovely light, number 8" in html
    local = await http.get(f"/posts/{post.id}")
    assert local.status_code == 302 and local.headers["Location"] == f"/@alice/{post.id}"
    assert (await http.get("/posts/99999999")).status_code == 404
    assert (await http.get(f"/@bob/{post.id}")).status_code == 404  # not bob's post


async def test_a_blocked_accounts_reply_is_not_shown_to_who_blocked_it(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    mallory = await remote(svc, "mallory", "remote.example")
    await _remote_reply(svc, mallory, post, 9)
    await blocks.block(svc, "alice", mallory.uri)
    assert "Lovely light, number 9" in await page(http, f"/@alice/{post.id}")  # a visitor
    assert (await sign_in(http, "alice")).status_code == 303
    assert "Lovely light, number 9" not in await page(http, f"/@alice/{post.id}")


async def test_the_page_names_the_model_and_offers_the_prompt_again(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a fox & a hound"))
    html = await page(http, f"/@alice/{post.id}")
    model = svc.generator.model
    assert f"Made with {model}" in html
    assert "the file carries no C2PA Content Credentials" in html
    assert 'href="/compose?prompt=a%20fox%20%26%20a%20hound"' in html
    assert f'href="/compose?remix={post.id}"' in html
    assert '<strong class="likes">0</strong> likes' in html
    assert "Sign in</a> to like, boost or reply" in html
    assert 'action="/posts/' not in html  # no buttons for a visitor


async def test_another_impastos_post_can_be_remixed_and_lists_among_remixes(site: Pair) -> None:
    """A remote post with another Impasto's "Prompt:" line offers its prompt and a remix; a
    remote remix of alice's post is listed under it, linking its page here."""
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    mallory = await remote(svc, "mallory", "remote.example")
    theirs = await _remote_reply(svc, mallory, post, 9)
    async with svc.sessions.begin() as session:
        row = await session.get(Post, theirs.id)
        assert row is not None
        row.in_reply_to_uri = None
        row.content_html = "<p>Dusk</p><p>Prompt: a fox &amp; a hound<br>at dusk</p>"
        row.remix_of_uri = post.uri
    html = await page(http, f"/posts/{theirs.id}")
    assert 'href="/compose?prompt=a%20fox%20%26%20a%20hound%0Aat%20dusk"' in html
    assert f'href="/compose?remix={theirs.id}"' in html
    remixes = await page(http, f"/@alice/{post.id}")
    remixes = remixes[remixes.index('class="remixes"') :]
    assert [a.attrs["href"] for a in elements(remixes, "a")][:1] == [f"/posts/{theirs.id}"]
    assert "a fox &amp; a hound" in remixes and "@mallory@remote.example" in remixes


async def test_a_remote_post_without_a_prompt_offers_no_remix(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    answer = await _remote_reply(svc, await remote(svc, "mallory", "remote.example"), post, 10)
    html = await page(http, f"/posts/{answer.id}")
    assert "Use this prompt" not in html and "/compose?remix=" not in html


def test_content_credentials_are_found_by_their_manifest_store(tmp_path: Path) -> None:
    signed, plain = tmp_path / "signed.jpg", tmp_path / "plain.jpg"
    signed.write_bytes(b"\xff\xd8\xff\xeb\x00\x20JP" + b"\x00" * 12 + MANIFEST_STORE + b"\x00")
    plain.write_bytes(b"\xff\xd8\xff\xe1 c2pa jumd jumb mentioned in a prompt")
    assert carries_credentials(str(signed))
    assert not carries_credentials(str(plain))
    assert not carries_credentials(str(tmp_path / "missing.jpg"))


async def test_a_replys_content_warning_hides_its_text_and_pictures(site: Pair) -> None:
    http, svc = site
    post = await make_post(svc, Draft("alice", "a lighthouse at dawn"))
    await create_user(svc, "bob", display_name="Bob", password=PASSWORD)
    warned = Draft("bob", "a storm at sea", caption="quite dark", content_warning="stormy")
    await make_post(svc, replace(warned, in_reply_to=str(post.id)))
    html = await page(http, f"/@alice/{post.id}")
    shown = elements(html[html.index('aria-label="Replies"') :])
    assert ["stormy" in e.text for e in shown if e.tag == "summary"] == [True]
    caption = [e for e in shown if e.attrs.get("class") == "caption"]
    prompt = [e for e in shown if e.attrs.get("class") == "prompt-line"]
    pictures = [e for e in shown if e.tag == "img" and "a storm at sea" in e.attrs["alt"]]
    assert ["quite dark" in e.text for e in caption] == [True]
    assert ["a storm at sea" in e.text for e in prompt] == [True]
    assert len(pictures) == 1
    assert all(e.inside("details") for e in [*caption, *prompt, *pictures])
