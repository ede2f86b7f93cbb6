"""Captions as Mastodon formats a status: `@user@host` mentions, `#hashtags` and web links
become links, mentions and hashtags become the Note's `tag`, and everything else stays
escaped text. A handle that cannot be resolved stays plain text (the post still goes out).

Pure rendering: the accounts a caption mentions are looked up by `fedi.domain.mentions`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit

from activitypub import objects
from storage.models import Account

# Mastodon's Account::MENTION_RE: not after '=', '/' or a word character (so `me@example.com`
# is an address, not a mention); the host may carry a port here (user@127.0.0.1:8010).
MENTION = re.compile(
    r"(?<![=/\w])@(?P<user>\w+(?:[.-]+\w+)*)(?:@(?P<host>\w+(?:[.-]+\w+)*(?::\d{1,5})?))?"
)
# Mastodon's Tag::HASHTAG_RE, simplified: not after '=', '/', ')' or a word character; word
# characters and the separators it allows (·, ・, ZWNJ); at least one letter.
HASHTAG = re.compile(r"(?<![=/)\w])#(?P<name>\w[\w\u00b7\u30fb\u200c]*)")
URL = re.compile(r"(?<![\w/])https?://[^\s<>\"']+", re.IGNORECASE)
TAG_SEPARATORS = "\u00b7\u30fb\u200c"
MAX_TAG_CHARS = 255  # post_tags.name
LINK_REL = "nofollow noopener noreferrer"


@dataclass(frozen=True)
class Token:
    """A piece of a caption: plain text, a link, a mention or a hashtag, as written."""

    kind: str  # "text" | "url" | "mention" | "hashtag"
    text: str
    key: str = ""  # mention: "user" or "user@host" (host lower-case); hashtag: lower-case name


@dataclass(frozen=True)
class Caption:
    """A caption made into HTML paragraphs, with whom it mentions and its hashtags."""

    html: str
    mentions: tuple[Account, ...]
    hashtags: tuple[str, ...]  # lower case, without the '#'


def _url_end(text: str, start: int, end: int) -> int:
    """Where a link really ends: trailing punctuation and an unbalanced ')' are prose."""
    while end > start and text[end - 1] in ".,;:!?)":
        url = text[start:end]
        if url.endswith(")") and url.count("(") >= url.count(")"):
            break
        end -= 1
    return end


def _spans(text: str) -> list[tuple[int, int, Token]]:
    """Links first; mentions and hashtags only outside them (a '#' in a URL is a fragment)."""
    spans: list[tuple[int, int, Token]] = []
    taken = bytearray(len(text))  # 1 where a span already is

    def add(start: int, end: int, token: Token) -> None:
        spans.append((start, end, token))
        taken[start:end] = b"\x01" * (end - start)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    for match in URL.finditer(text):
        end = _url_end(text, match.start(), match.end())
        url = text[match.start() : end]
        if urlsplit(url).hostname:
            add(match.start(), end, Token("url", url))

    for match in MENTION.finditer(text):
        user, host = match.group("user"), match.group("host")
        key = f"{user}@{host.lower()}" if host else user
        if free(match.start(), match.end()):
            add(match.start(), match.end(), Token("mention", match.group(), key))
    for match in HASHTAG.finditer(text):
        name = match.group("name").rstrip(TAG_SEPARATORS)
        end = match.start() + 1 + len(name)
        if (
            any(c.isalpha() for c in name)
            and len(name) <= MAX_TAG_CHARS
            and free(match.start(), end)
        ):
            add(match.start(), end, Token("hashtag", "#" + name, name.lower()))
    return sorted(spans, key=lambda span: span[0])


def tokens(text: str) -> list[Token]:
    """The caption split into text, links, mentions and hashtags, in order."""
    result: list[Token] = []
    at = 0
    for start, end, token in _spans(text):
        if start > at:
            result.append(Token("text", text[at:start]))
        result.append(token)
        at = end
    if at < len(text):
        result.append(Token("text", text[at:]))
    return result


def mention_keys(text: str) -> list[str]:
    """The distinct handles a caption mentions, as written ("user" or "user@host")."""
    return list(dict.fromkeys(token.key for token in tokens(text) if token.kind == "mention"))


def handle_of(account: Account, local_host: str) -> str:
    """user@host of an account (this server's host for local accounts)."""
    return f"{account.username}@{account.domain or local_host}"


def canonical(key: str, local_host: str) -> str:
    """A mention key as "user@host", lower case; a bare "user" is a local user."""
    user, _, host = key.partition("@")
    return f"{user}@{host or local_host}".lower()


def _mention_link(account: Account) -> str:
    # Mastodon's TextFormatter: an h-card around a u-url mention link showing the username.
    # The profile URL comes from the actor document: only an http(s) one becomes a link.
    profile = account.url if (account.url or "").startswith(("https://", "http://")) else None
    return (
        f'<span class="h-card"><a href="{escape(profile or account.uri)}" '
        f'class="u-url mention">@<span>{escape(account.username)}</span></a></span>'
    )


def _hashtag_link(token: Token, tags_base: str) -> str:
    return (
        f'<a href="{escape(tags_base)}/{escape(quote(token.key, safe=""))}" '
        f'class="mention hashtag" rel="tag">#<span>{escape(token.text[1:])}</span></a>'
    )


def _url_link(url: str) -> str:
    return f'<a href="{escape(url)}" rel="{LINK_REL}" target="_blank">{escape(url)}</a>'


def ascii_host(host: str) -> str:
    """An internationalised host in its ASCII (IDNA) form, as WebFinger is asked."""
    name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
    return name.encode("idna").decode("ascii").lower() + colon + port


def render(text: str, found: Mapping[str, Account], *, tags_base: str, local_host: str) -> Caption:
    """The caption as HTML paragraphs; `found` maps canonical handles to their accounts."""
    mentions: dict[int, Account] = {}
    hashtags: dict[str, None] = {}
    paragraphs = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        parts = []
        for token in tokens(block.strip()):
            account = (
                found.get(canonical(token.key, local_host)) if token.kind == "mention" else None
            )
            if account is not None:
                mentions.setdefault(account.id, account)
                parts.append(_mention_link(account))
            elif token.kind == "hashtag":
                hashtags.setdefault(token.key)
                parts.append(_hashtag_link(token, tags_base))
            elif token.kind == "url":
                parts.append(_url_link(token.text))
            else:
                parts.append(escape(token.text).replace("\n", "<br>"))
        paragraphs.append("<p>" + "".join(parts) + "</p>")
    return Caption("".join(paragraphs), tuple(mentions.values()), tuple(hashtags))


def stored_html(text: str, mentions: Iterable[Account], *, tags_base: str, local_host: str) -> str:
    """A stored caption as HTML again (for its page), linking the mentions stored with the
    post: a handle that was not found when it was posted stays text, as it went out."""
    found = {handle_of(account, local_host).lower(): account for account in mentions}
    return render(text, found, tags_base=tags_base, local_host=local_host).html


def tag_infos(
    caption_mentions: Iterable[Account], hashtags: Iterable[str], *, tags_base: str, local_host: str
) -> list[objects.TagInfo]:
    """The Note's `tag`: a Mention per account (named @user@host), a Hashtag per name."""
    tags = [
        objects.TagInfo("Mention", account.uri, "@" + handle_of(account, local_host))
        for account in caption_mentions
    ]
    tags += [
        objects.TagInfo("Hashtag", f"{tags_base}/{quote(name, safe='')}", f"#{name}")
        for name in hashtags
    ]
    return tags
