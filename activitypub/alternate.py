"""The ActivityStreams document an HTML page points to: `<link rel="alternate"
type="application/activity+json" href="...">` in the page, or the same as a `Link` header
(what Mastodon's FetchResourceService follows when a post's page answers with HTML)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

AS2_TYPES = ("application/activity+json", "application/ld+json")
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_PARAM = re.compile(r';\s*([a-zA-Z]+)\s*=\s*"?([^";]*)"?')


def _is_as2(kind: str) -> bool:
    return kind.split(";")[0].strip().lower() in AS2_TYPES


def _is_alternate(rel: str) -> bool:
    return "alternate" in rel.lower().split()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None or tag != "link":
            return
        values = {name: value or "" for name, value in attrs}
        if _is_alternate(values.get("rel", "")) and _is_as2(values.get("type", "")):
            self.found = values.get("href") or None


def from_header(value: str, base: str) -> str | None:
    """The AS2 alternate a `Link` header names, made absolute; None when there is none."""
    for found in _LINK_VALUE.finditer(value):
        named = {key.lower(): val for key, val in _PARAM.findall(found.group(2))}
        if _is_alternate(named.get("rel", "")) and _is_as2(named.get("type", "")):
            target: str = found.group(1)
            return urljoin(base, target.strip())
    return None


def from_html(page: str, base: str) -> str | None:
    """The AS2 alternate a page's `<link>` names, made absolute; None when there is none."""
    parser = _Links()
    parser.feed(page)
    parser.close()
    return urljoin(base, parser.found.strip()) if parser.found else None
