"""Parsing received activities and notes, including a payload recorded from Mastodon."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activitypub.activities import ActivityError, parse_activity, parse_note

GOLDEN = Path(__file__).parent / "golden" / "activities"


def test_mastodon_create_with_image() -> None:
    doc = json.loads((GOLDEN / "mastodon_create_image.json").read_text())
    activity = parse_activity(doc)
    assert activity.type == "Create"
    assert activity.actor == "https://chaos.social/users/h4kor"
    assert activity.object_id == "https://chaos.social/users/h4kor/statuses/112123926412043539"
    assert activity.object is not None
    note = parse_note(activity.object)
    assert note.attributed_to == activity.actor
    assert note.url == "https://chaos.social/@h4kor/112123926412043539"
    assert note.mentions == ("https://games.rerere.org/games/rps",)
    [image] = note.images
    assert image.media_type == "image/jpeg"
    assert image.url.startswith("https://assets.chaos.social/")  # media on another host is fine
    assert image.description == ""  # name: null
    assert image.blurhash == "UFFEQHH?5QXT^R#+X8I;0yS#S$ofJ7J8nit6"
    assert (image.width, image.height) == (512, 512)
    assert note.published is not None and note.published.year == 2024


def test_gotosocial_note_with_single_object_tag_and_string_audience() -> None:
    # GoToSocial sends one tag as an object (not an array) and to/cc as plain strings.
    note = parse_note(json.loads((GOLDEN / "gotosocial_note_mention.json").read_text()))
    assert note.id == "http://example.org/users/i_p_freely/statuses/01FF25D5Q0DH7CHD57CTRS6WK0"
    assert note.mentions == ("http://example.org/users/someone",)
    assert note.to == ("https://www.w3.org/ns/activitystreams#Public",)
    assert note.cc == ("http://example.org/users/i_p_freely/followers",)
    assert note.content_html == "<p>This is an example note.</p>"
    assert note.images == ()
    assert note.summary in (None, "")
    assert note.published is not None and note.published.year == 2021


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ([], "JSON object"),
        ({"id": "https://a.example/1", "actor": "https://a.example/u"}, "type"),
        ({"type": "Follow", "actor": "https://a.example/u"}, "activity id"),
        ({"type": "Follow", "id": "https://a.example/1"}, "actor"),
        ({"type": "Follow", "id": "https://a.example/1", "actor": "javascript:alert(1)"}, "actor"),
    ],
)
def test_malformed_envelopes(doc: object, reason: str) -> None:
    with pytest.raises(ActivityError, match=reason):
        parse_activity(doc)


@pytest.mark.parametrize(
    "activity_id",
    [
        "https://evil.example/activities/1",  # another host
        "https://a.example:8443/activities/1",  # another port
        "http://a.example/activities/1",  # another scheme
    ],
)
def test_activity_id_on_another_origin_than_its_actor_is_refused(activity_id: str) -> None:
    doc = {"type": "Follow", "id": activity_id, "actor": "https://a.example/u", "object": "x"}
    with pytest.raises(ActivityError, match="origin"):
        parse_activity(doc)


def test_activity_id_on_its_actors_origin_as_spelled_otherwise_is_accepted() -> None:
    doc = {"type": "Like", "id": "HTTPS://A.example:443/l/1", "actor": "https://a.example/u"}
    assert parse_activity(doc).id == "https://a.example/l/1"


def test_note_on_another_origin_than_its_author_is_refused() -> None:
    with pytest.raises(ActivityError, match="different origins"):
        parse_note(
            {
                "type": "Note",
                "id": "https://evil.example/n/1",
                "attributedTo": "https://a.example/users/x",
                "content": "hi",
            }
        )


def test_attachments_are_capped_and_filtered() -> None:
    images = [
        {"type": "Image", "mediaType": "image/png", "url": f"https://a.example/{i}.png"}
        for i in range(6)
    ]
    images.insert(0, {"type": "Document", "mediaType": "video/mp4", "url": "https://a/v.mp4"})
    note = parse_note(
        {
            "type": "Note",
            "id": "https://a.example/n/1",
            "attributedTo": "https://a.example/users/x",
            "attachment": images,
        }
    )
    assert [image.url for image in note.images] == [f"https://a.example/{i}.png" for i in range(4)]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://remote.example/@mallory/1", "https://remote.example/@mallory/1"),
        ([{"type": "Link", "href": "https://remote.example/@m/1"}], "https://remote.example/@m/1"),
        ("javascript:alert(1)", None),  # it ends up in a link on our pages
        ("data:text/html,hi", None),
        ("/relative/1", None),
    ],
)
def test_a_notes_page_url_is_kept_only_if_it_is_http(url: object, kept: str | None) -> None:
    doc = {
        "id": "https://remote.example/notes/1",
        "type": "Note",
        "attributedTo": "https://remote.example/users/mallory",
        "content": "<p>hi</p>",
        "url": url,
    }
    assert parse_note(doc).url == kept
