"""Reading our pages in tests: their elements, attributes and where each one sits."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass(frozen=True)
class Element:
    """A start tag with its attributes, the tags it sits in (outermost first) and its text."""

    tag: str
    attrs: dict[str, str]
    ancestors: tuple[str, ...]
    text: str = ""

    def inside(self, tag: str) -> bool:
        """Whether the element sits inside a `tag` element."""
        return tag in self.ancestors


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.found: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.texts: list[list[str]] = []  # per element in `found`, its text so far
        self.open: list[int] = []  # indexes into `found` of the elements still open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))
        self.texts.append([])
        if tag not in VOID:
            self.stack.append(tag)
            self.open.append(len(self.found) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                self.open.pop()
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data: str) -> None:
        for index in self.open:
            self.texts[index].append(data)


def elements(page: str, tag: str | None = None) -> list[Element]:
    """The page's elements (of one tag, if given), in document order."""
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return [
        Element(name, attrs, ancestors, "".join(text))
        for (name, attrs, ancestors), text in zip(collector.found, collector.texts, strict=True)
        if tag is None or name == tag
    ]


def title(page: str) -> str:
    """The text of the page's <title>."""
    [element] = elements(page, "title")
    return element.text


def meta(page: str, key: str) -> str | None:
    """The content of <meta name=key> or <meta property=key>, if there is one."""
    for element in elements(page, "meta"):
        if key in (element.attrs.get("name"), element.attrs.get("property")):
            return element.attrs.get("content")
    return None
