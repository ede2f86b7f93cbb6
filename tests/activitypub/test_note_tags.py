"""The `tag` of the Notes we publish: shaped as Mastodon's, and read back by parsers like ours."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from activitypub import objects
from activitypub.activities import parse_note

GOLDEN = Path(__file__).parent / "golden" / "activities"
NOTE_ID = "https://impasto.example/users/alice/statuses/1"


def _note(*tags: objects.TagInfo) -> dict[str, object]:
    info = objects.NoteInfo(
        id=NOTE_ID,
        url="https://impasto.example/@alice/1",
        attributed_to="https://impasto.example/users/alice",
        content_html="<p>hi</p>",
        published=datetime(2026, 1, 1, tzinfo=UTC),
        to=[objects.PUBLIC],
        cc=["https://impasto.example/users/alice/followers"],
        replies=f"{NOTE_ID}/replies",
        tags=tags,
    )
    return objects.note(info)


def test_mention_and_hashtag_tags_as_mastodon_writes_them() -> None:
    golden = json.loads((GOLDEN / "mastodon_create_reply_mention.json").read_text())
    [mastodon_mention] = golden["object"]["tag"]
    mention = objects.TagInfo("Mention", "https://mamot.fr/users/retiolus", "@retiolus@mamot.fr")
    hashtag = objects.TagInfo("Hashtag", "https://impasto.example/tags/sea", "#sea")
    doc = _note(mention, hashtag)
    assert doc["tag"] == [
        mastodon_mention,
        {"type": "Hashtag", "href": "https://impasto.example/tags/sea", "name": "#sea"},
    ]
    assert doc["replies"] == f"{NOTE_ID}/replies"
    context = objects.CONTEXT[2]
    assert isinstance(context, dict) and context["Hashtag"] == "as:Hashtag"
    parsed = parse_note(doc)
    assert parsed.mentions == ("https://mamot.fr/users/retiolus",)
    assert parsed.hashtags == ("sea",)
    assert _note()["tag"] == []


def test_replies_collection_embeds_its_first_page() -> None:
    page = objects.collection_page(
        f"{NOTE_ID}/replies?page=true",
        f"{NOTE_ID}/replies",
        ["https://b.example/notes/1"],
        next_page=f"{NOTE_ID}/replies?page=true&min_id=5",
    )
    doc = objects.collection(f"{NOTE_ID}/replies", 21, page)
    assert doc["type"] == "Collection" and doc["totalItems"] == 21
    assert doc["first"] == {
        "id": f"{NOTE_ID}/replies?page=true",
        "type": "CollectionPage",
        "partOf": f"{NOTE_ID}/replies",
        "items": ["https://b.example/notes/1"],
        "next": f"{NOTE_ID}/replies?page=true&min_id=5",
    }
    last = objects.collection_page("p", "c", [], next_page=None)
    assert "next" not in last
