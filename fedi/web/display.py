"""Text and pictures cut down for the pages: titles and previews on one short line, and a
sensitive picture's blurhash as its placeholder (Jinja filters; fedi.web.routes.web adds them)."""

from __future__ import annotations

import base64
import re
from functools import lru_cache

from fedi.media.pipeline import MediaError, blurhash_png

ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
_DANGLING = " ,;:.!?-/([{\u2013\u2014"  # not left before the ellipsis (nor en/em dashes)


def shorten(text: str | None, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters at a word boundary with "…"
    (inside the first word only if that alone is too long). For titles and previews: the
    page itself shows the whole text."""
    flat = _SPACES.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]  # room for the ellipsis
    if flat[limit - 1] != " " and " " in head:  # the cut falls inside a word: drop it
        head = head.rsplit(" ", 1)[0]
    return (head.rstrip(_DANGLING) or head) + ELLIPSIS


@lru_cache(maxsize=1024)
def blur_placeholder(value: str | None, width: int | None, height: int | None) -> str | None:
    """A blurhash as a `data:` URI of a tiny PNG of the picture's shape (the CSP allows
    data: images, and no script is needed to paint it), or None without a valid one."""
    if not value:
        return None
    try:
        png = blurhash_png(value, width, height)
    except MediaError:
        return None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
