"""Remote HTML is cleaned on arrival to an allow-list like Mastodon's."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from fedi.federation.sanitize import clean_html

REL = {"nofollow", "noopener", "noreferrer"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> tuple[list[tuple[str, dict[str, str | None]]], str]:
    """The elements (tag, attributes) and the visible text of an HTML fragment."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements, "".join(parser.text)


def tags(html: str) -> set[str]:
    return {tag for tag, _ in parse(html)[0]}


def attributes(html: str, tag: str) -> list[dict[str, str | None]]:
    return [attrs for name, attrs in parse(html)[0] if name == tag]


# (input, text that must survive, substrings that must be gone)
DANGEROUS = [
    ("<p>hi<script>alert(1)</script></p>", "hi", ["<script", "alert"]),
    ('<p>x</p><script src="https://evil.example/x.js"></script>', "x", ["<script", "evil"]),
    ("<style>p { display: none }</style><p>shown</p>", "shown", ["<style", "display"]),
    ('<iframe src="https://evil.example"></iframe>ok', "ok", ["<iframe", "evil"]),
    ('<p onclick="steal()">click</p>', "click", ["onclick", "steal"]),
    ('<p style="position:fixed;top:0">cover</p>', "cover", ["style", "fixed"]),
    ('<a href="https://ok.example" onmouseover="steal()">l</a>', "l", ["onmouseover"]),
    ('<img src="x" onerror="alert(1)">after', "after", ["<img", "onerror"]),
    ("<svg><script>alert(1)</script></svg>svg", "svg", ["<svg", "<script", "alert"]),
    ('<object data="x.swf"></object><embed src="x.swf">obj', "obj", ["<object", "<embed"]),
    ('<form action="https://evil.example"><input name="pw"></form>f', "f", ["<form", "<input"]),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">m', "m", ["<meta"]),
    ('<link rel="stylesheet" href="https://evil.example/x.css">k', "k", ["<link"]),
    ('<base href="https://evil.example/">b', "b", ["<base"]),
    ('<p id="top" data-x="y">ids</p>', "ids", ["id=", "data-x"]),
    ("<!-- hidden comment -->visible", "visible", ["hidden comment"]),
    ('<math><mi xlink:href="javascript:x()">m</mi></math>after', "after", ["javascript", "<math"]),
]


@pytest.mark.parametrize(("html", "text", "gone"), DANGEROUS)
def test_dangerous_markup_is_removed_and_text_kept(html: str, text: str, gone: list[str]) -> None:
    cleaned = clean_html(html)

    for bad in gone:
        assert bad not in cleaned
    assert text in parse(cleaned)[1]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "file:///etc/passwd",
    ],
)
def test_dangerous_link_schemes_are_removed(href: str) -> None:
    cleaned = clean_html(f'<a href="{href}">click me</a>')

    assert all("href" not in attrs for attrs in attributes(cleaned, "a"))
    assert "script" not in cleaned.lower() and "data:" not in cleaned
    assert parse(cleaned)[1] == "click me"


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/@alice",
        "http://example.com/page?q=1&r=2",
        "gemini://example.org/",
        "xmpp:alice@example.org",
        "magnet:?xt=urn:btih:abc",
        "ipfs://bafy",
    ],
)
def test_allowed_link_schemes_are_kept(href: str) -> None:
    cleaned = clean_html(f'<a href="{href.replace("&", "&amp;")}">link</a>')

    assert attributes(cleaned, "a")[0]["href"] == href


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://example.com/">plain</a>',
        '<a href="https://example.com/" rel="me">rel me</a>',
        '<a href="https://example.com/" rel="opener" target="_blank">target</a>',
    ],
)
def test_links_get_nofollow_noopener(html: str) -> None:
    (link,) = attributes(clean_html(html), "a")

    assert set((link["rel"] or "").split()) == REL
    assert "target" not in link


@pytest.mark.parametrize(
    ("html", "expected_tags"),
    [
        ("<p>one</p><p>two<br>three</p>", {"p", "br"}),
        ("<p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <del>d</del></p>",
         {"p", "b", "strong", "i", "em", "u", "del"}),
        ("<pre><code>x = 1</code></pre>", {"pre", "code"}),
        ("<blockquote><p>quoted</p></blockquote>", {"blockquote", "p"}),
        ("<ul><li>a</li></ul><ol><li>b</li></ol>", {"ul", "ol", "li"}),
        ('<p><span>plain span</span> <a href="https://e.example/">a</a></p>', {"p", "span", "a"}),
    ],
)  # fmt: skip
def test_allowed_tags_are_kept(html: str, expected_tags: set[str]) -> None:
    cleaned = clean_html(html)

    assert tags(cleaned) == expected_tags
    assert parse(cleaned)[1] == parse(html)[1]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<h1>Title</h1>", "Title"),
        ("<div><section>in a div</section></div>", "in a div"),
        ("<table><tr><td>cell</td></tr></table>", "cell"),
        ("<marquee>moving</marquee>", "moving"),
    ],
)
def test_other_tags_are_unwrapped_keeping_text(html: str, text: str) -> None:
    cleaned = clean_html(html)

    assert tags(cleaned) == set()
    assert parse(cleaned)[1] == text


def test_mastodon_mention_keeps_its_classes() -> None:
    html = (
        '<p><span class="h-card" translate="no"><a href="https://example.com/@alice" '
        'class="u-url mention">@<span>alice</span></a></span> hello</p>'
    )

    cleaned = clean_html(html)

    (span, _inner) = attributes(cleaned, "span")
    assert span["class"] == "h-card"
    assert span["translate"] == "no"
    (link,) = attributes(cleaned, "a")
    assert set((link["class"] or "").split()) == {"u-url", "mention"}
    assert link["href"] == "https://example.com/@alice"
    assert parse(cleaned)[1] == "@alice hello"


def test_mastodon_hashtag_keeps_its_classes() -> None:
    html = (
        '<a href="https://example.com/tags/art" class="mention hashtag" rel="tag">'
        "#<span>art</span></a>"
    )

    (link,) = attributes(clean_html(html), "a")

    assert set((link["class"] or "").split()) == {"mention", "hashtag"}


def test_mastodon_long_link_keeps_invisible_and_ellipsis() -> None:
    html = (
        '<a href="https://example.com/a/very/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/a/very</span>'
        '<span class="invisible">/long/path</span></a>'
    )

    cleaned = clean_html(html)

    classes = [attrs.get("class") for attrs in attributes(cleaned, "span")]
    assert classes == ["invisible", "ellipsis", "invisible"]
    assert parse(cleaned)[1] == "https://example.com/a/very/long/path"


@pytest.mark.parametrize(
    ("html", "tag"),
    [
        ('<span class="evil mention">x</span>', "span"),
        ('<a href="https://e.example/" class="btn mention">x</a>', "a"),
        ('<span class="position-fixed-overlay">x</span>', "span"),
    ],
)
def test_unknown_classes_are_dropped(html: str, tag: str) -> None:
    (element,) = attributes(clean_html(html), tag)

    classes = set((element.get("class") or "").split())
    assert classes <= {"h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis"}
    assert "evil" not in classes and "btn" not in classes


def test_classes_are_not_allowed_on_other_tags() -> None:
    (paragraph,) = attributes(clean_html('<p class="mention">x</p>'), "p")

    assert "class" not in paragraph


def test_list_attributes_are_kept() -> None:
    cleaned = clean_html('<ol start="3" reversed><li value="5">a</li></ol>')

    (ordered,) = attributes(cleaned, "ol")
    assert ordered["start"] == "3" and "reversed" in ordered
    assert attributes(cleaned, "li")[0]["value"] == "5"


@pytest.mark.parametrize(
    "text",
    ["1 &lt; 2 &amp;&amp; 3 &gt; 2", "caf\u00e9 \U0001f3a8 \u65e5\u672c", "&quot;quoted&quot;"],
)
def test_text_content_and_entities_are_preserved(text: str) -> None:
    cleaned = clean_html(f"<p>{text}</p>")

    assert parse(cleaned)[1] == parse(text)[1]
    assert tags(cleaned) == {"p"}  # entities did not turn into markup


def test_escaped_markup_stays_text() -> None:
    cleaned = clean_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")

    assert tags(cleaned) == {"p"}
    assert parse(cleaned)[1] == "<script>alert(1)</script>"


def test_unclosed_and_nested_tricks_do_not_produce_script() -> None:
    for html in [
        "<scr<script>ipt>alert(1)</script>",
        '<a href="https://e.example/"<script>alert(1)</script>',
        '<p><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript></p>',
        "<textarea><script>alert(1)</script></textarea>",
    ]:
        cleaned = clean_html(html)
        assert tags(cleaned) <= {"p", "a", "span", "br"}
        assert "onerror" not in {attr for _, attrs in parse(cleaned)[0] for attr in attrs}


@pytest.mark.parametrize("href", ["/settings/delete", "//evil.example/phish", "../admin"])
def test_relative_links_from_remote_html_are_dropped(href: str) -> None:
    (link,) = attributes(clean_html(f'<a href="{href}">totally your instance</a>'), "a")

    assert "href" not in link
