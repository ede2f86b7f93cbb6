"""The language of the Notes we publish: a `contentMap` keyed by it, as Mastodon writes one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from activitypub import objects

GOLDEN = Path(__file__).parent / "golden" / "activities"


def _note(language: str | None) -> dict[str, object]:
    info = objects.NoteInfo(
        id="https://impasto.example/users/alice/statuses/1",
        url="https://impasto.example/@alice/1",
        attributed_to="https://impasto.example/users/alice",
        content_html="<p>hi</p>",
        published=datetime(2026, 1, 1, tzinfo=UTC),
        to=[objects.PUBLIC],
        cc=[],
        language=language,
    )
    return objects.note(info)


def test_a_language_is_the_content_maps_key_as_mastodon_writes_it() -> None:
    golden = json.loads((GOLDEN / "mastodon_create_reply_mention.json").read_text())
    theirs = golden["object"]
    # Mastodon's: the language as the only key, the content (spaced as stored) its value.
    assert list(theirs["contentMap"]) == ["en"] and "thinkpad" in theirs["contentMap"]["en"]
    assert _note("en")["contentMap"] == {"en": "<p>hi</p>"}
    assert _note("pt-BR")["contentMap"] == {"pt-BR": "<p>hi</p>"}


def test_no_language_no_content_map() -> None:
    assert "contentMap" not in _note(None) and "contentMap" not in _note("")
