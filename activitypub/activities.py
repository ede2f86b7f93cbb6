"""Parsing received activities and notes into typed objects (the wire dicts stop here)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .urls import normalize_id, same_origin

MAX_ATTACHMENTS = 4
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/avif")


class ActivityError(ValueError):
    """A received document is not a usable activity; .reason says why (answered with 400)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Activity:
    """The envelope of a received activity."""

    id: str
    type: str
    actor: str
    object_id: str | None
    object: Mapping[str, Any] | None  # the embedded object, when it is one
    to: tuple[str, ...]
    cc: tuple[str, ...]


@dataclass(frozen=True)
class RemoteImage:
    """An image attachment of a remote note, kept as a link."""

    url: str
    media_type: str
    description: str
    blurhash: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class RemoteNote:
    """A note from another server, before sanitising its HTML."""

    id: str
    attributed_to: str
    content_html: str
    summary: str | None
    sensitive: bool
    published: datetime | None
    url: str | None
    in_reply_to: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    images: tuple[RemoteImage, ...]
    mentions: tuple[str, ...]
    hashtags: tuple[str, ...] = ()  # lower case, without the '#'
    updated: datetime | None = None
    language: str | None = None  # the content's language (a BCP 47 tag), if the note says


def _url(value: Any, what: str) -> str:
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("href")
    if not isinstance(value, str):
        raise ActivityError(f"{what} must be a URL")
    try:
        return normalize_id(value)
    except ValueError:
        raise ActivityError(f"{what} must be an absolute http(s) URL") from None


def _audience(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value] if value else []
    return tuple(item for item in items if isinstance(item, str))


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("href")
    return value if isinstance(value, str) else None


def parse_activity(doc: Any) -> Activity:
    """Check a received document's envelope: id (on its actor's origin), type, actor, and the
    object's id."""
    if not isinstance(doc, Mapping):
        raise ActivityError("body must be a JSON object")
    kind = doc.get("type")
    if isinstance(kind, list):  # JSON-LD allows several types; the first is the one that acts
        kind = kind[0] if kind else None
    if not isinstance(kind, str) or not kind:
        raise ActivityError("activity has no type")
    if doc.get("id") is None:
        # Mastodon, Pleroma, Misskey and GoToSocial give every activity they send an id:
        # without one it could be neither deduplicated nor checked against its actor.
        raise ActivityError("activity id is missing")
    activity_id = _url(doc.get("id"), "activity id")
    actor = _url(doc.get("actor"), "actor")
    if not same_origin(activity_id, actor):
        # Nobody's server mints activity ids for another server's actors, whoever signed it
        # (a forwarded Create keeps its author's id too).
        raise ActivityError(f"activity id {activity_id} is not on its actor's origin")
    raw = doc.get("object")
    obj = raw if isinstance(raw, Mapping) else None
    object_id = _url(raw, "object") if raw is not None and (obj is None or "id" in obj) else None
    return Activity(
        activity_id, kind, actor, object_id, obj, _audience(doc.get("to")), _audience(doc.get("cc"))
    )


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _alt_text(item: Mapping[str, Any]) -> str:
    # GoToSocial puts alt text in `summary`, Mastodon and Pixelfed in `name`; Mastodon reads
    # `summary` first, then `name` (ActivityPub::Parser::MediaAttachmentParser#description).
    for key in ("summary", "name"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


# The base-83 alphabet of BlurHash; Mastodon drops a blurhash with any other character.
_BLURHASH = re.compile(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,128}")


def _blurhash(value: Any) -> str | None:
    return value if isinstance(value, str) and _BLURHASH.fullmatch(value) else None


def _images(value: Any) -> tuple[RemoteImage, ...]:
    items: Sequence[Any] = value if isinstance(value, list) else [value] if value else []
    images = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        media_type = item.get("mediaType")
        url = _first_str(item.get("url"))
        if not isinstance(media_type, str) or media_type.lower() not in IMAGE_TYPES or not url:
            continue
        images.append(
            RemoteImage(
                url=url,
                media_type=media_type.lower(),
                description=_alt_text(item),
                blurhash=_blurhash(item.get("blurhash")),
                width=_int(item.get("width")),
                height=_int(item.get("height")),
            )
        )
    return tuple(images[:MAX_ATTACHMENTS])


NOTE_TYPES = ("Note", "Article", "Page", "Image", "Question", "Video")  # stored as posts


def parse_note(doc: Mapping[str, Any]) -> RemoteNote:
    """Parse a Note-like object; its id must be on its author's origin."""
    if doc.get("type") not in NOTE_TYPES:
        raise ActivityError(f"unsupported object type {doc.get('type')!r}")
    note_id = _url(doc.get("id"), "object id")
    author = _url(doc.get("attributedTo"), "attributedTo")
    if not same_origin(note_id, author):
        raise ActivityError("object id and attributedTo are on different origins")
    content, language = _content(doc)
    summary = doc.get("summary")
    in_reply_to = doc.get("inReplyTo")
    return RemoteNote(
        id=note_id,
        attributed_to=author,
        content_html=content,
        summary=summary if isinstance(summary, str) and summary else None,
        sensitive=doc.get("sensitive") is True,
        published=_datetime(doc.get("published")),
        url=_web_url(doc.get("url")),
        in_reply_to=_url(in_reply_to, "inReplyTo") if in_reply_to else None,
        to=_audience(doc.get("to")),
        cc=_audience(doc.get("cc")),
        images=_images(doc.get("attachment")),
        mentions=_mentions(doc.get("tag")),
        hashtags=_hashtags(doc.get("tag")),
        updated=_datetime(doc.get("updated")),
        language=language,
    )


# A language tag as Mastodon and GoToSocial key their maps: "en", "de", "pt-BR", "zh-Hant".
LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8}){0,3}", re.IGNORECASE)


def _content(doc: Mapping[str, Any]) -> tuple[str, str | None]:
    """The content and its language, as Mastodon reads them: the language is the first key of
    `contentMap` (else of `summaryMap`, `nameMap`); the content is `content`, else that map's
    text in its first language."""
    content = doc.get("content")
    language = None
    for key in ("contentMap", "summaryMap", "nameMap"):
        found = doc.get(key)
        if isinstance(found, Mapping) and found:
            first = next(iter(found))
            if isinstance(first, str) and len(first) <= 16 and LANGUAGE.fullmatch(first):
                language = first
                if key == "contentMap" and not isinstance(content, str):
                    content = found[first]
            break
    return (content if isinstance(content, str) else ""), language


def _tag_items(value: Any) -> list[Any]:
    """A `tag` as a list. Pixelfed sends a reply's tags as one object: PHP's array_merge of
    the parent author's Mention (its keys type, href, name) with the list of the other tags
    (keys "0", "1", …), so those others are read from the numbered keys."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        numbered = [item for key, item in value.items() if isinstance(key, str) and key.isdigit()]
        return [value, *numbered]
    return []


def _mentions(value: Any) -> tuple[str, ...]:
    items = _tag_items(value)
    return tuple(
        item["href"]
        for item in items
        if isinstance(item, Mapping)
        and item.get("type") == "Mention"
        and isinstance(item.get("href"), str)
    )


def _web_url(value: Any) -> str | None:
    """A note's page: an absolute http(s) URL (it ends up in links), else nothing."""
    url = _first_str(value)
    if url is None:
        return None
    try:
        return normalize_id(url)
    except ValueError:
        return None


def _hashtags(value: Any) -> tuple[str, ...]:
    items = _tag_items(value)
    names: list[str] = []
    for item in items:
        if not isinstance(item, Mapping) or item.get("type") != "Hashtag":
            continue
        name = item.get("name")
        if isinstance(name, str) and name.strip("#").strip():
            tag = name.strip().lstrip("#").lower()[:255]
            if tag not in names:
                names.append(tag)
    return tuple(names)
