"""Remote HTML, cleaned on arrival with nh3 (Rust's ammonia) to an allow-list like Mastodon's."""

from __future__ import annotations

import nh3

# Mastodon's Sanitize::Config::MASTODON_STRICT keeps these elements; links get rel
# nofollow/noopener and only http(s)/mention-ish schemes survive. nh3 is chosen over a
# hand-written cleaner because HTML sanitising is exactly where hand-written code goes wrong.
TAGS = {
    "p",
    "br",
    "span",
    "a",
    "del",
    "pre",
    "blockquote",
    "code",
    "b",
    "strong",
    "u",
    "i",
    "em",
    "ul",
    "ol",
    "li",
}
ATTRIBUTES = {
    "a": {"href", "translate"},
    "span": {"translate"},
    "ol": {"start", "reversed"},
    "li": {"value"},
}
# Microformat and mention classes Mastodon keeps; any other class is dropped.
CLASSES = {"h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis", "quote-inline"}
SCHEMES = {
    "http",
    "https",
    "dat",
    "dweb",
    "ipfs",
    "ipns",
    "ssb",
    "gopher",
    "xmpp",
    "magnet",
    "gemini",
}


def clean_html(html: str) -> str:
    """Sanitise remote HTML for storage and display."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes={"a": CLASSES, "span": CLASSES},
        url_schemes=SCHEMES,
        link_rel="nofollow noopener noreferrer",
        # Relative links in remote HTML would point at this instance; Mastodon drops them too.
        url_relative="deny",
    )
