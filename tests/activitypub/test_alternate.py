"""The ActivityStreams document an HTML page links to, as Mastodon's pages and others name it."""

from __future__ import annotations

import pytest

from activitypub.alternate import from_header, from_html

PAGE = "https://a.example/@carol/1"
NOTE = "https://a.example/users/carol/statuses/1"


@pytest.mark.parametrize(
    "head",
    [
        f'<link href="{NOTE}" rel="alternate" type="application/activity+json">',
        f"<LINK REL='Alternate' TYPE='application/activity+json' HREF='{NOTE}'/>",
        '<link rel="alternate" type="application/activity+json" href="/users/carol/statuses/1">',
        f'<link rel="alternate" type="application/ld+json; profile=&quot;x&quot;" href="{NOTE}">',
    ],
)
def test_a_link_element(head: str) -> None:
    assert from_html(f"<!doctype html><html><head>{head}</head><body>hi</body>", PAGE) == NOTE


@pytest.mark.parametrize(
    "head",
    [
        "",
        f'<link rel="alternate" type="application/rss+xml" href="{NOTE}">',
        f'<link rel="canonical" type="application/activity+json" href="{NOTE}">',
        '<link rel="alternate" type="application/activity+json">',
        f'<a rel="alternate" type="application/activity+json" href="{NOTE}">x</a>',
    ],
)
def test_no_link_element(head: str) -> None:
    assert from_html(f"<html><head>{head}</head></html>", PAGE) is None


def test_a_link_header() -> None:
    value = (
        '<https://a.example/feed>; rel="alternate"; type="application/rss+xml", '
        f'<{NOTE}>; rel="alternate"; type="application/activity+json"'
    )
    assert from_header(value, PAGE) == NOTE
    relative = '</users/carol/statuses/1>; rel=alternate; type="application/activity+json"'
    assert from_header(relative, PAGE) == NOTE
    assert from_header(f'<{NOTE}>; rel="self"; type="application/activity+json"', PAGE) is None
    assert from_header("", PAGE) is None
