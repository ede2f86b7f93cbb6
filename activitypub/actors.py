"""Remote actor documents and public keys, parsed and checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .keys import PublicKey
from .urls import ids_equal, normalize_id, same_origin

ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")


class ActorParseError(ValueError):
    """An actor or key document is unusable; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RemoteActor:
    """What we keep of another server's actor."""

    id: str
    type: str
    preferred_username: str
    name: str | None
    inbox: str
    shared_inbox: str | None
    outbox: str | None
    followers: str | None
    url: str | None
    icon_url: str | None  # the avatar (AS2 `icon`), wherever it is hosted
    image_url: str | None  # the header picture (AS2 `image`), as Mastodon publishes it
    public_key: PublicKey
    manually_approves_followers: bool
    summary: str | None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _link(value: Any) -> str | None:
    """A URL given as a string, a Link/Image object, or a list of those (first wins)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("href") or value.get("url")
        if isinstance(value, list | Mapping):
            return _link(value)
    return _str(value)


def _same_origin_url(value: Any, actor_id: str, what: str, *, required: bool) -> str | None:
    url = _link(value)
    if url is None:
        if required:
            raise ActorParseError(f"actor has no {what}")
        return None
    try:
        normalized = normalize_id(url)
    except ValueError:
        raise ActorParseError(f"{what} is not an absolute http(s) URL") from None
    if not same_origin(normalized, actor_id):
        raise ActorParseError(f"{what} {url!r} is not on the actor's origin")
    return normalized


def _keys(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = doc.get("publicKey")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [item for item in items if isinstance(item, Mapping)]


def _key_from(item: Mapping[str, Any]) -> PublicKey | None:
    key_id, owner, pem = item.get("id"), item.get("owner"), item.get("publicKeyPem")
    if not (isinstance(key_id, str) and isinstance(owner, str) and isinstance(pem, str)):
        return None
    return PublicKey(key_id, owner, pem)


def parse_actor(doc: Mapping[str, Any]) -> RemoteActor:
    """Check and parse an actor document: its inbox and key must belong to it."""
    kind = doc.get("type")
    if kind not in ACTOR_TYPES:
        raise ActorParseError(f"type {kind!r} is not an actor type")
    raw_id = _str(doc.get("id"))
    if raw_id is None:
        raise ActorParseError("actor has no id")
    try:
        actor_id = normalize_id(raw_id)
    except ValueError:
        raise ActorParseError("actor id is not an absolute http(s) URL") from None
    key = None
    for item in _keys(doc):
        candidate = _key_from(item)
        if candidate is not None and ids_equal(candidate.owner, actor_id):
            key = candidate
            break
    if key is None:
        raise ActorParseError("actor has no public key that it owns")
    if not same_origin(key.key_id, actor_id):
        raise ActorParseError("the actor's key id is on another origin")
    try:
        key.rsa  # noqa: B018 - load it now: a broken key is a broken actor
    except ValueError as exc:
        raise ActorParseError(f"public key unusable: {exc}") from None
    endpoints = doc.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, Mapping) else None
    return RemoteActor(
        id=actor_id,
        type=str(kind),
        preferred_username=_str(doc.get("preferredUsername")) or actor_id.rsplit("/", 1)[-1],
        name=_str(doc.get("name")),
        inbox=str(_same_origin_url(doc.get("inbox"), actor_id, "inbox", required=True)),
        shared_inbox=_same_origin_url(shared, actor_id, "sharedInbox", required=False),
        outbox=_link(doc.get("outbox")),
        followers=_link(doc.get("followers")),
        url=_link(doc.get("url")),
        icon_url=_link(doc.get("icon")),
        image_url=_link(doc.get("image")),
        public_key=PublicKey(key.key_id, actor_id, key.pem),
        manually_approves_followers=doc.get("manuallyApprovesFollowers") is True,
        summary=_str(doc.get("summary")),
    )


def parse_public_key(doc: Mapping[str, Any], key_id: str) -> PublicKey:
    """The key `key_id` from the document fetched at it: an actor, or a standalone key."""
    candidates = _keys(doc) if "publicKey" in doc else [doc]
    for item in candidates:
        key = _key_from(item)
        if key is not None and ids_equal(key.key_id, key_id):
            if not same_origin(key.owner, key_id):
                raise ActorParseError("the key's owner is on another origin")
            return key
    raise ActorParseError(f"the document has no key {key_id!r}")
