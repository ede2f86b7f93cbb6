"""Builders for the AS2 documents we publish (actors, notes, activities, collections)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_MEDIA_TYPE = "application/activity+json"

# The extensions Mastodon understands, named as Mastodon names them in its own @context
# (toot: namespace for blurhash/discoverable/featured; as: for sensitive and
# manuallyApprovesFollowers), so JSON-LD-aware peers expand them to the same IRIs.
CONTEXT: list[Any] = [
    AS_CONTEXT,
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "suspended": "toot:suspended",
        "blurhash": "toot:blurhash",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        # Mastodon's context names Hashtag (not part of AS2 core) so peers expand it alike.
        "Hashtag": "as:Hashtag",
        # Profile metadata fields, as Mastodon's context names them.
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]


def iso(moment: datetime) -> str:
    """xsd:dateTime in UTC with a Z suffix and whole seconds, as Mastodon emits it."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ActorInfo:
    """What an actor document says about a local account."""

    id: str
    username: str
    name: str
    summary_html: str
    url: str
    inbox: str
    outbox: str
    followers: str
    following: str
    featured: str
    shared_inbox: str
    key_id: str
    public_key_pem: str
    published: datetime
    manually_approves_followers: bool = False
    discoverable: bool = True
    icon_url: str | None = None
    icon_media_type: str | None = None
    actor_type: str = "Person"
    image_url: str | None = None  # the header picture
    image_media_type: str | None = None
    # Profile metadata as Mastodon federates it: PropertyValue (name, value as HTML).
    fields: tuple[tuple[str, str], ...] = ()
    # Suspended by an admin (Mastodon's toot:suspended): the caller leaves out the profile.
    suspended: bool = False


def actor(info: ActorInfo) -> dict[str, Any]:
    """The actor document (Person, or Application for the instance actor)."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": info.id,
        "type": info.actor_type,
        "preferredUsername": info.username,
        "name": info.name,
        "summary": info.summary_html,
        "url": info.url,
        "inbox": info.inbox,
        "outbox": info.outbox,
        "followers": info.followers,
        "following": info.following,
        "featured": info.featured,
        "endpoints": {"sharedInbox": info.shared_inbox},
        "manuallyApprovesFollowers": info.manually_approves_followers,
        "discoverable": info.discoverable,
        "indexable": info.discoverable,
        "published": iso(info.published),
        "publicKey": {"id": info.key_id, "owner": info.id, "publicKeyPem": info.public_key_pem},
    }
    if info.icon_url:
        doc["icon"] = {"type": "Image", "mediaType": info.icon_media_type, "url": info.icon_url}
    if info.image_url:
        doc["image"] = {"type": "Image", "mediaType": info.image_media_type, "url": info.image_url}
    if info.fields:
        doc["attachment"] = [
            {"type": "PropertyValue", "name": name, "value": value} for name, value in info.fields
        ]
    if info.suspended:
        doc["suspended"] = True
    return doc


@dataclass(frozen=True)
class ImageInfo:
    """One image attachment of a note."""

    url: str
    media_type: str
    name: str
    blurhash: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class TagInfo:
    """One entry of a note's `tag`: a Mention (href: the actor id) or a Hashtag (href: the
    tag's page), named "@user@host" or "#name" as Mastodon names them."""

    type: str  # "Mention" | "Hashtag"
    href: str
    name: str


@dataclass(frozen=True)
class NoteInfo:
    """What a note says: a local post."""

    id: str
    url: str
    attributed_to: str
    content_html: str
    published: datetime
    to: Sequence[str]
    cc: Sequence[str]
    attachments: Sequence[ImageInfo] = ()
    sensitive: bool = False
    summary: str | None = None
    in_reply_to: str | None = None
    replies: str | None = None
    tags: Sequence[TagInfo] = ()
    likes: int = 0
    shares: int = 0
    updated: datetime | None = None  # set once the post was edited
    language: str | None = None  # an ISO 639 code: the content's language, if known


def attachment(image: ImageInfo) -> dict[str, Any]:
    """An attachment entry. Mastodon reads `Document` or `Image` with mediaType, url, name."""
    doc: dict[str, Any] = {
        "type": "Image",
        "mediaType": image.media_type,
        "url": image.url,
        "name": image.name,
    }
    if image.blurhash:
        doc["blurhash"] = image.blurhash
    if image.width and image.height:
        doc["width"], doc["height"] = image.width, image.height
    return doc


def tag(info: TagInfo) -> dict[str, Any]:
    """A `tag` entry, as Mastodon writes Mention and Hashtag tags."""
    return {"type": info.type, "href": info.href, "name": info.name}


def note(info: NoteInfo, *, with_context: bool = True) -> dict[str, Any]:
    """A Note document."""
    doc: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    doc.update(
        {
            "id": info.id,
            "type": "Note",
            "attributedTo": info.attributed_to,
            "content": info.content_html,
            "published": iso(info.published),
            "url": info.url,
            "to": list(info.to),
            "cc": list(info.cc),
            "sensitive": info.sensitive,
            "summary": info.summary,
            "inReplyTo": info.in_reply_to,
            "attachment": [attachment(image) for image in info.attachments],
            "tag": [tag(item) for item in info.tags],
        }
    )
    if info.language:
        # Mastodon writes the content again in a contentMap keyed by the status's language,
        # and reads the language of a remote status from there.
        doc["contentMap"] = {info.language: info.content_html}
    if info.replies:
        doc["replies"] = info.replies
    if info.updated is not None:
        doc["updated"] = iso(info.updated)  # Mastodon shows an edited post's last edit time
    # Counts as Mastodon reads them: a Collection with totalItems, its id dereferenceable.
    doc["likes"] = counted_collection(f"{info.id}/likes", info.likes, with_context=False)
    doc["shares"] = counted_collection(f"{info.id}/shares", info.shares, with_context=False)
    return doc


def counted_collection(
    collection_id: str, total: int, *, with_context: bool = True
) -> dict[str, Any]:
    """A Collection that gives its size only (who liked is not published)."""
    doc: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    doc.update({"id": collection_id, "type": "Collection", "totalItems": total})
    return doc


def create(activity_id: str, obj: dict[str, Any]) -> dict[str, Any]:
    """Wrap an object in a Create with the object's author, audience and date."""
    inner = {key: value for key, value in obj.items() if key != "@context"}
    return {
        "@context": CONTEXT,
        "id": activity_id,
        "type": "Create",
        "actor": inner["attributedTo"],
        "published": inner["published"],
        "to": inner.get("to", []),
        "cc": inner.get("cc", []),
        "object": inner,
    }


def activity(
    activity_type: str, activity_id: str, actor_id: str, obj: Any, *, to: Sequence[str] = ()
) -> dict[str, Any]:
    """A plain activity (Follow, Accept, Reject, Undo, Delete, …)."""
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": activity_type,
        "actor": actor_id,
        "object": obj,
    }
    if to:
        doc["to"] = list(to)
    return doc


def _context_for(items: Sequence[Any]) -> Any:
    """A collection's @context: embedded objects (Notes, Creates) use Mastodon's extensions
    (`sensitive`, `blurhash`, `Hashtag`), which a JSON-LD reader drops unless defined here;
    bare ids need ActivityStreams only."""
    return CONTEXT if any(isinstance(item, dict) for item in items) else AS_CONTEXT


def ordered_collection(collection_id: str, total: int, first: str | None) -> dict[str, Any]:
    """An OrderedCollection whose items live on pages starting at `first`."""
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if first:
        doc["first"] = first
    return doc


def ordered_collection_page(
    page_id: str, part_of: str, items: Sequence[Any], *, total: int, next_page: str | None
) -> dict[str, Any]:
    """One OrderedCollectionPage of a collection."""
    doc: dict[str, Any] = {
        "@context": _context_for(items),
        "id": page_id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "totalItems": total,
        "orderedItems": list(items),
    }
    if next_page:
        doc["next"] = next_page
    return doc


def collection_page(
    page_id: str, part_of: str, items: Sequence[Any], *, next_page: str | None
) -> dict[str, Any]:
    """One CollectionPage (unordered), as Mastodon pages a Note's `replies`."""
    doc: dict[str, Any] = {
        "id": page_id,
        "type": "CollectionPage",
        "partOf": part_of,
        "items": list(items),
    }
    if next_page:
        doc["next"] = next_page
    return doc


def collection(collection_id: str, total: int, first: dict[str, Any]) -> dict[str, Any]:
    """A Collection with its size and its first page embedded (Mastodon's `replies`)."""
    return {
        "@context": _context_for(first.get("items", [])),
        "id": collection_id,
        "type": "Collection",
        "totalItems": total,
        "first": first,
    }
