"""Captions as Mastodon formats a status: `@user@host` mentions, `#hashtags` and web links
become links, mentions and hashtags become the Note's `tag`, and everything else stays
escaped text. A handle that cannot be resolved stays plain text (the post still goes out)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select

from activitypub import objects
from activitypub.actors import ActorParseError
from activitypub.http import FetchError
from activitypub.webfinger import WebFingerError
from fedi.core.errors import UserError
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.federation.resolver import find_account, own_host
from storage import accounts
from storage.models import Account

log = logging.getLogger(__name__)

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
# Remote handles looked up per post; the rest stay text (each lookup is two fetches).
MAX_LOOKUPS = 20
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


def _canonical(key: str, local_host: str) -> str:
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
                found.get(_canonical(token.key, local_host)) if token.kind == "mention" else None
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


async def _cached(svc: Services, user: str, host: str) -> Account | None:
    """A known account by handle: local ones by name, remote ones by name and actor host.
    None when two remote actors have that name (Lemmy's user and community can): WebFinger
    then says which one the handle means."""
    async with svc.reads() as session:
        if own_host(svc, host):
            account = await accounts.local_account(session, user)
            return None if account is None or account.username == INSTANCE_ACTOR else account
        stmt = select(Account).where(
            Account.domain == host, func.lower(Account.username) == user.lower()
        )
        found = (await session.execute(stmt.limit(2))).scalars().all()
        return found[0] if len(found) == 1 else None


def ascii_host(host: str) -> str:
    """An internationalised host in its ASCII (IDNA) form, as WebFinger is asked."""
    name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
    return name.encode("idna").decode("ascii").lower() + colon + port


async def _lookup(svc: Services, canonical: str) -> Account | None:
    """The account behind a handle, or None when it cannot be found (it then stays text)."""
    user, _, host = canonical.partition("@")
    try:
        host = ascii_host(host)
        account = await _cached(svc, user, host)
        if account is not None and account.domain and await svc.domain_blocked(account.domain):
            return None  # a blocked server's account: not mentioned, nothing delivered there
        if account is None and not own_host(svc, host):
            account = await find_account(svc, f"{user}@{host}")
        return account
    except (
        UnicodeError,
        UserError,
        FetchError,
        WebFingerError,
        ActorParseError,
    ) as exc:
        log.info("mention of %s left as text: %s", canonical, exc)
        return None


async def find_accounts(
    svc: Services, keys: Sequence[str], known: Iterable[Account] = ()
) -> dict[str, Account]:
    """The accounts the mentioned handles name, by canonical handle; `known` ones are used as
    they are, local and cached ones are read, others looked up (WebFinger, signed fetch)."""
    host = svc.settings.instance.host
    found = {handle_of(account, host).lower(): account for account in known}
    wanted = [
        key for key in dict.fromkeys(_canonical(key, host) for key in keys) if key not in found
    ]
    results = await asyncio.gather(*(_lookup(svc, key) for key in wanted[:MAX_LOOKUPS]))
    for key, account in zip(wanted, results, strict=False):
        if account is not None:
            found[key] = account
    return found


async def compose(
    svc: Services, text: str, *, author: Account, reply_to: Account | None = None
) -> tuple[str, Caption]:
    """Resolve a caption's mentions and render it. A reply mentions the replied-to author:
    as Mastodon clients prefill it, `@handle ` goes in front unless the caption names them."""
    known = [reply_to] if reply_to is not None else []
    found = await find_accounts(svc, mention_keys(text), known)
    host = svc.settings.instance.host
    tags_base = f"{svc.urls.base}/tags"
    caption = render(text, found, tags_base=tags_base, local_host=host)
    if reply_to is None or reply_to.id == author.id or _mentions(caption, reply_to):
        return text, caption
    handle = reply_to.username if reply_to.domain is None else handle_of(reply_to, host)
    text = f"@{handle} {text}".rstrip()
    caption = render(text, found, tags_base=tags_base, local_host=host)
    if not _mentions(caption, reply_to):  # a handle the parser cannot read (an IPv6 host)
        caption = replace(caption, mentions=(reply_to, *caption.mentions))
    return text, caption


def _mentions(caption: Caption, account: Account) -> bool:
    return any(mentioned.id == account.id for mentioned in caption.mentions)
