"""Input limits ([limits] in the config, Mastodon's by default): a status counted as Mastodon
counts it, the refusal that names the limit, and what other servers send cut to bounds."""

from __future__ import annotations

import re

from fedi.core.errors import UserError
from fedi.federation.as2.captions import tokens

# Mastodon's StatusLengthValidator counts every link as this many characters.
URL_CHARS = 23
# Pictures one post may carry (Mastodon's 4; apps are built around it).
MEDIA_PER_STATUS = 4
ELLIPSIS = "…"
# A status's language as apps send it: an ISO 639 code and perhaps a region ("" for none).
LANGUAGE = re.compile(r"(?:[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})?)?")


def status_length(text: str) -> int:
    """Characters of a caption (or content warning) as Mastodon counts them: a link is 23,
    a mention of user@host counts as its @user part. (Mastodon counts grapheme clusters,
    this counts code points: an emoji made of several is counted as several here.)"""
    total = 0
    for token in tokens(text):
        if token.kind == "url":
            total += URL_CHARS
        elif token.kind == "mention":
            total += 1 + len(token.key.partition("@")[0])
        else:
            total += len(token.text)
    return total


def refuse_over(
    count: int, limit: int, setting: str, what: str, error: type[UserError] = UserError
) -> None:
    """Raise `error` naming the limit and its setting when `count` characters exceed it;
    `what` names the input ("the alt text"; plural: "the caption and content warning")."""
    if count <= limit:
        return
    plural = " and " in what
    verb, pronoun = ("are", "they") if plural else ("is", "it")
    raise error(
        f"{what} {verb} {count} characters long; {pronoun} may be no longer than {limit} "
        f"characters ([limits] {setting})"
    )


def cut_bytes(text: str, max_bytes: int) -> str:
    """`text`, or its start ending in "…", in at most `max_bytes` bytes of UTF-8."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    keep = max(0, max_bytes - len(ELLIPSIS.encode()))
    return data[:keep].decode("utf-8", "ignore") + ELLIPSIS
