"""Captions: mentions, hashtags and links become links and tags; everything else stays text."""

from __future__ import annotations

from fedi.federation.as2.captions import Caption, ascii_host, render, tag_infos, tokens
from storage.models import Account

BASE = "https://impasto.example"
HOST = "impasto.example"


def _account(account_id: int, username: str, domain: str | None) -> Account:
    host = domain or HOST
    return Account(
        id=account_id,
        uri=f"https://{host}/users/{username}",
        url=f"https://{host}/@{username}",
        username=username,
        domain=domain,
    )


BOB = _account(1, "bob", "127.0.0.1:8010")
ZOE = _account(2, "zoë", "xn--bcher-kva.example")
ALICE = _account(3, "alice", None)
FOUND = {"bob@127.0.0.1:8010": BOB, "zoë@bücher.example": ZOE, f"alice@{HOST}": ALICE}


def _render(text: str) -> Caption:
    return render(text, FOUND, tags_base=f"{BASE}/tags", local_host=HOST)


def test_markup_in_a_caption_stays_text() -> None:
    caption = _render('<script>alert("x")</script> & <b>bold</b>\nline two\n\nsecond')
    assert "<script" not in caption.html and "<b>" not in caption.html
    assert caption.html == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
        "<br>line two</p><p>second</p>"
    )
    assert caption.mentions == () and caption.hashtags == ()


def test_mentions_with_ports_unicode_and_local_users_become_h_card_links() -> None:
    caption = _render("hi @bob@127.0.0.1:8010, @zoë@bücher.example and @alice!")
    assert caption.mentions == (BOB, ZOE, ALICE)
    assert (
        '<span class="h-card"><a href="https://127.0.0.1:8010/@bob" class="u-url mention">'
        "@<span>bob</span></a></span>, "
    ) in caption.html
    assert "@<span>zoë</span></a></span> and " in caption.html
    assert 'href="https://impasto.example/@alice" class="u-url mention"' in caption.html
    assert caption.html.endswith("</a></span>!</p>")
    names = [tag.name for tag in tag_infos(caption.mentions, (), tags_base="", local_host=HOST)]
    assert names == ["@bob@127.0.0.1:8010", "@zoë@xn--bcher-kva.example", f"@alice@{HOST}"]
    assert ascii_host("Bücher.example:8443") == "xn--bcher-kva.example:8443"


def test_an_email_address_is_not_a_mention() -> None:
    caption = _render("write to me@example.com or bob@127.0.0.1:8010")
    assert [token.kind for token in tokens("write to me@example.com")] == ["text"]
    assert caption.mentions == () and "<a" not in caption.html


def test_a_hash_inside_a_link_is_not_a_hashtag() -> None:
    text = "see https://example.com/page#section (and https://example.com/#top). #Lighthouse"
    caption = _render(text)
    assert caption.hashtags == ("lighthouse",)
    assert '<a href="https://example.com/page#section" rel="nofollow noopener noreferrer"' in (
        caption.html
    )
    assert '<a href="https://example.com/#top" ' in caption.html  # ")." is prose, not link
    assert (
        '<a href="https://impasto.example/tags/lighthouse" class="mention hashtag" rel="tag">'
        "#<span>Lighthouse</span></a></p>"
    ) in caption.html
    assert [t.kind for t in tokens("C# and #1 and a#b and &#39;")] == ["text"]


def test_an_unresolved_handle_stays_text() -> None:
    caption = _render("hello @ghost@127.0.0.1:8010 and @nobody")
    assert caption.mentions == ()
    assert caption.html == "<p>hello @ghost@127.0.0.1:8010 and @nobody</p>"


def test_duplicates_give_one_tag_each_but_every_occurrence_is_a_link() -> None:
    caption = _render("#Sea #sea @bob@127.0.0.1:8010 @BOB@127.0.0.1:8010 #SEA")
    assert caption.hashtags == ("sea",) and caption.mentions == (BOB,)
    assert caption.html.count('class="mention hashtag"') == 3
    assert caption.html.count('class="u-url mention"') == 2
    tags = tag_infos(caption.mentions, caption.hashtags, tags_base=f"{BASE}/tags", local_host=HOST)
    assert [(t.type, t.href, t.name) for t in tags] == [
        ("Mention", BOB.uri, "@bob@127.0.0.1:8010"),
        ("Hashtag", f"{BASE}/tags/sea", "#sea"),
    ]
