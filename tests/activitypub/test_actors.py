"""Parsing actor documents and their keys: recorded Mastodon, GoToSocial and Pixelfed actors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from activitypub.actors import ActorParseError, parse_actor, parse_public_key

GOLDEN = Path(__file__).parent / "golden" / "actors"


def golden(name: str) -> dict[str, Any]:
    """A recorded actor document (see golden/SOURCES.md)."""
    doc: dict[str, Any] = json.loads((GOLDEN / f"{name}_person.json").read_text())
    return doc


@pytest.fixture
def mastodon() -> dict[str, Any]:
    """Mastodon's recorded actor, a fresh copy to change."""
    return copy.deepcopy(golden("mastodon"))


EXPECTED = {
    "mastodon": {
        "id": "https://ap.example.com/users/foo",
        "inbox": "https://ap.example.com/users/foo/inbox",
        "shared_inbox": "https://ap.example.com/inbox",
        "preferred_username": "foo",
        "key_id": "https://ap.example.com/users/foo#main-key",
        "outbox": "https://ap.example.com/users/foo/outbox",
        "followers": "https://ap.example.com/users/foo/followers",
        "url": "https://ap.example.com/@foo",
        "icon_url": "https://quitter.no/avatar/7477-300-20160211190340.png",
        "image_url": None,
        "manually_approves_followers": False,
    },
    "gotosocial": {
        "id": "http://example.org/users/1happyturtle",
        "inbox": "http://example.org/users/1happyturtle/inbox",
        "shared_inbox": None,  # GoToSocial has no shared inbox
        "preferred_username": "1happyturtle",
        "key_id": "http://example.org/users/1happyturtle#main-key",
        "outbox": "http://example.org/users/1happyturtle/outbox",
        "followers": "http://example.org/users/1happyturtle/followers",
        "url": "http://example.org/@1happyturtle",
        "icon_url": None,
        "image_url": None,
        "manually_approves_followers": True,
    },
    "pixelfed": {
        "id": "https://pixelfed.social/users/dansup",
        "inbox": "https://pixelfed.social/users/dansup/inbox",
        "shared_inbox": "https://pixelfed.social/f/inbox",
        "preferred_username": "dansup",
        "key_id": "https://pixelfed.social/users/dansup#main-key",
        "outbox": "https://pixelfed.social/users/dansup/outbox",
        "followers": "https://pixelfed.social/users/dansup/followers",
        "url": "https://pixelfed.social/dansup",
        "icon_url": "https://pixelfed.social/storage/avatars/000/000/000/000/000/000/2/"
        "mLZr2R47XEwbmasH2M3P_avatar.jpg?v=57",
        "image_url": None,
        "manually_approves_followers": False,
    },
}


@pytest.mark.parametrize("software", sorted(EXPECTED))
def test_recorded_actor(software: str) -> None:
    doc = golden(software)
    expected = EXPECTED[software]
    actor = parse_actor(doc)
    assert actor.type == "Person"
    assert actor.id == expected["id"]
    assert actor.inbox == expected["inbox"]
    assert actor.shared_inbox == expected["shared_inbox"]
    assert actor.preferred_username == expected["preferred_username"]
    assert actor.outbox == expected["outbox"]
    assert actor.followers == expected["followers"]
    assert actor.url == expected["url"]
    assert actor.icon_url == expected["icon_url"]
    assert actor.image_url == expected["image_url"]
    assert actor.manually_approves_followers is expected["manually_approves_followers"]
    assert actor.public_key.key_id == expected["key_id"]
    assert actor.public_key.owner == expected["id"]
    assert actor.public_key.pem == doc["publicKey"]["publicKeyPem"]
    assert actor.public_key.rsa.key_size == 2048


def test_recorded_names_and_summaries() -> None:
    assert parse_actor(golden("gotosocial")).name == "happy little turtle :3"
    assert parse_actor(golden("pixelfed")).name == "dansup"
    mastodon = parse_actor(golden("mastodon"))
    assert mastodon.name is None  # Mastodon sends "" for no display name
    assert mastodon.summary == "<p>test</p>"


def test_the_header_picture_is_read_from_image(mastodon: dict[str, Any]) -> None:
    """Mastodon publishes the header as `image` (an Image with a url), beside `icon`."""
    header = "https://files.example/accounts/headers/1/original/abc.png"
    mastodon["image"] = {"type": "Image", "mediaType": "image/png", "url": header}
    assert parse_actor(mastodon).image_url == header


@pytest.mark.parametrize("software", sorted(EXPECTED))
def test_key_fetched_at_its_id(software: str) -> None:
    # Mastodon-style key ids are fragments of the actor: fetching one returns the actor.
    doc = golden(software)
    key_id = EXPECTED[software]["key_id"]
    key = parse_public_key(doc, str(key_id))
    assert (key.key_id, key.owner) == (key_id, EXPECTED[software]["id"])
    assert key.pem == doc["publicKey"]["publicKeyPem"]


def test_standalone_key_document() -> None:
    pem = golden("gotosocial")["publicKey"]["publicKeyPem"]
    doc = {
        "id": "https://gts.example/users/a/main-key",
        "owner": "https://gts.example/users/a",
        "publicKeyPem": pem,
    }
    key = parse_public_key(doc, "https://gts.example/users/a/main-key")
    assert key.owner == "https://gts.example/users/a"


# --- negative cases --------------------------------------------------------------------------


def test_key_owned_by_someone_else_is_refused(mastodon: dict[str, Any]) -> None:
    mastodon["publicKey"]["owner"] = "https://ap.example.com/users/bar"
    with pytest.raises(ActorParseError, match="no public key that it owns"):
        parse_actor(mastodon)


def test_key_owned_by_another_server_is_refused(mastodon: dict[str, Any]) -> None:
    mastodon["publicKey"]["owner"] = "https://evil.example/users/foo"
    with pytest.raises(ActorParseError):
        parse_actor(mastodon)


def test_key_id_on_another_origin_is_refused(mastodon: dict[str, Any]) -> None:
    mastodon["publicKey"]["id"] = "https://evil.example/keys/1"
    with pytest.raises(ActorParseError, match="another origin"):
        parse_actor(mastodon)


def test_owner_compared_as_a_parsed_url(mastodon: dict[str, Any]) -> None:
    mastodon["publicKey"]["owner"] = "HTTPS://AP.example.com:443/users/foo"
    assert parse_actor(mastodon).public_key.owner == "https://ap.example.com/users/foo"


def test_owned_key_is_found_among_several(mastodon: dict[str, Any]) -> None:
    owned = mastodon["publicKey"]
    stranger = {**owned, "id": "https://ap.example.com/users/bar#main-key"}
    stranger["owner"] = "https://ap.example.com/users/bar"
    mastodon["publicKey"] = [stranger, owned]
    assert parse_actor(mastodon).public_key.key_id == owned["id"]


@pytest.mark.parametrize("key", [None, {}, [], "https://ap.example.com/users/foo#main-key"])
def test_actor_without_a_usable_key_is_refused(mastodon: dict[str, Any], key: Any) -> None:
    mastodon["publicKey"] = key
    with pytest.raises(ActorParseError, match="public key"):
        parse_actor(mastodon)


def test_broken_pem_is_refused(mastodon: dict[str, Any]) -> None:
    mastodon["publicKey"]["publicKeyPem"] = (
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
    )
    with pytest.raises(ActorParseError, match="unusable"):
        parse_actor(mastodon)


def test_non_rsa_key_is_refused(mastodon: dict[str, Any]) -> None:
    pem = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    mastodon["publicKey"]["publicKeyPem"] = pem
    with pytest.raises(ActorParseError, match="RSA"):
        parse_actor(mastodon)


@pytest.mark.parametrize(
    "inbox",
    [
        "https://evil.example/users/foo/inbox",
        "http://ap.example.com/users/foo/inbox",  # another scheme is another origin
        "https://ap.example.com:8443/users/foo/inbox",
        "https://ap.example.com.evil.example/inbox",
        "https://ap.example.com@evil.example/inbox",
        {"type": "Link", "href": "https://evil.example/inbox"},
    ],
)
def test_inbox_on_another_origin_is_refused(mastodon: dict[str, Any], inbox: Any) -> None:
    # Otherwise an actor could make us deliver (signed) activities to any URL it names.
    mastodon["inbox"] = inbox
    with pytest.raises(ActorParseError, match="inbox"):
        parse_actor(mastodon)


def test_shared_inbox_on_another_origin_is_refused(mastodon: dict[str, Any]) -> None:
    mastodon["endpoints"]["sharedInbox"] = "https://evil.example/inbox"
    with pytest.raises(ActorParseError, match="sharedInbox"):
        parse_actor(mastodon)


@pytest.mark.parametrize("inbox", [None, "", [], "/users/foo/inbox", "ftp://ap.example.com/i"])
def test_missing_or_relative_inbox_is_refused(mastodon: dict[str, Any], inbox: Any) -> None:
    if inbox is None:
        del mastodon["inbox"]
    else:
        mastodon["inbox"] = inbox
    with pytest.raises(ActorParseError, match="inbox"):
        parse_actor(mastodon)


def test_inbox_given_as_a_link_is_accepted(mastodon: dict[str, Any]) -> None:
    mastodon["inbox"] = {"type": "Link", "href": "https://ap.example.com/users/foo/inbox"}
    assert parse_actor(mastodon).inbox == "https://ap.example.com/users/foo/inbox"


@pytest.mark.parametrize("kind", ["Note", "Tombstone", "Collection", None, "", ["Person"]])
def test_non_actor_type_is_refused(mastodon: dict[str, Any], kind: Any) -> None:
    mastodon["type"] = kind
    with pytest.raises(ActorParseError, match="not an actor type"):
        parse_actor(mastodon)


@pytest.mark.parametrize("kind", ["Service", "Application", "Group", "Organization"])
def test_other_actor_types_are_accepted(mastodon: dict[str, Any], kind: str) -> None:
    mastodon["type"] = kind
    assert parse_actor(mastodon).type == kind


@pytest.mark.parametrize("actor_id", [None, "", "/users/foo", "acct:foo@ap.example.com", 7])
def test_actor_without_an_http_id_is_refused(mastodon: dict[str, Any], actor_id: Any) -> None:
    mastodon["id"] = actor_id
    with pytest.raises(ActorParseError):
        parse_actor(mastodon)


def test_missing_username_falls_back_to_the_id(mastodon: dict[str, Any]) -> None:
    del mastodon["preferredUsername"]
    assert parse_actor(mastodon).preferred_username == "foo"


def test_key_lookup_for_another_key_id_fails() -> None:
    with pytest.raises(ActorParseError, match="no key"):
        parse_public_key(golden("mastodon"), "https://ap.example.com/users/foo#other-key")


def test_key_whose_owner_is_on_another_origin_is_refused() -> None:
    doc = golden("pixelfed")
    doc["publicKey"]["owner"] = "https://evil.example/users/dansup"
    with pytest.raises(ActorParseError, match="another origin"):
        parse_public_key(doc, "https://pixelfed.social/users/dansup#main-key")


def test_standalone_key_of_another_origins_owner_is_refused() -> None:
    doc = {
        "id": "https://gts.example/users/a/main-key",
        "owner": "https://evil.example/users/a",
        "publicKeyPem": golden("gotosocial")["publicKey"]["publicKeyPem"],
    }
    with pytest.raises(ActorParseError):
        parse_public_key(doc, "https://gts.example/users/a/main-key")
