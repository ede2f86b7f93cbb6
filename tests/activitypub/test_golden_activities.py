"""Activities recorded from Mastodon, Pixelfed and GoToSocial (golden/activities/SOURCES.md)
parse into what their senders meant: who did what to which object, the reply and its mentions,
hashtags, content warnings, images with alt text, blurhash and size, and edits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from activitypub.activities import MAX_ATTACHMENTS, Activity, RemoteNote, parse_activity, parse_note

GOLDEN = Path(__file__).parent / "golden" / "activities"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLDEN / name).read_text()))


def _create(name: str) -> tuple[Activity, RemoteNote]:
    activity = parse_activity(_load(name))
    assert activity.type == "Create" and activity.object is not None
    note = parse_note(activity.object)
    assert note.id == activity.object_id and note.attributed_to == activity.actor
    return activity, note


def test_mastodon_reply_with_a_mention() -> None:
    activity, note = _create("mastodon_create_reply_mention.json")
    assert activity.id == "https://mastodon.madrid/users/felix/statuses/107224289116410645/activity"
    assert activity.actor == "https://mastodon.madrid/users/felix"
    assert note.in_reply_to == "https://mamot.fr/users/retiolus/statuses/107224244380204526"
    assert note.mentions == ("https://mamot.fr/users/retiolus",)
    assert note.hashtags == ()
    # Mastodon addresses an unlisted reply so: followers in `to`, Public and the replied-to
    # author in `cc` (a public one has Public in `to`).
    assert note.to == ("https://mastodon.madrid/users/felix/followers",)
    assert note.cc == (PUBLIC, "https://mamot.fr/users/retiolus")
    assert 'class="u-url mention"' in note.content_html
    assert (note.summary, note.sensitive, note.images) == (None, False, ())


def test_mastodon_post_with_hashtags_and_an_image() -> None:
    _, note = _create("mastodon_create_hashtags_image.json")
    assert note.hashtags == ("prague", "gdansk", "krakow", "london", "wroclaw")
    [image] = note.images
    assert image.url == (
        "https://files.mastodon.social/media_attachments/files/111/000/969/389/195/221"
        "/original/f264dc16c1ce2a45.png"
    )
    assert image.media_type == "image/png"
    assert image.description.startswith("Screenshot from Capture One")
    assert image.blurhash == "U48NqcIA9ZX8t8axofs,0JRjxat7D$t8xuIU"
    assert (image.width, image.height) == (2200, 1384)
    assert note.published == datetime(2023, 9, 3, 11, 27, tzinfo=UTC)
    assert note.url == "https://mastodon.social/@mczachurski/111000972200397678"


def test_mastodon_post_with_several_images() -> None:
    _, note = _create("mastodon_create_multi_image.json")
    assert len(note.images) == 3 <= MAX_ATTACHMENTS
    assert [i.media_type for i in note.images] == ["image/png", "image/jpeg", "image/jpeg"]
    assert [i.description[:24] for i in note.images] == [
        "Screenshot from Capture ",
        "The KDE dragons Katie an",
        "",  # name: null
    ]
    assert [i.blurhash for i in note.images] == [
        "U48NqcIA9ZX8t8axofs,0JRjxat7D$t8xuIU",
        "USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc",
        "UFFEQHH?5QXT^R#+X8I;0yS#S$ofJ7J8nit6",
    ]
    assert [(i.width, i.height) for i in note.images] == [(2200, 1384), (1500, 1095), (512, 512)]


def test_more_images_than_we_show_keep_the_first_four() -> None:
    # No recording has more than three images; two of them again (new URLs) make five. A
    # post shows at most four: the first four, in the sender's order.
    doc = _load("mastodon_create_multi_image.json")["object"]
    first, second, third = doc["attachment"]
    copies = [image | {"url": image["url"] + "?copy"} for image in (second, first)]
    doc["attachment"] = [first, second, third, *copies]
    images = parse_note(doc).images
    assert len(images) == MAX_ATTACHMENTS == 4
    assert [i.url for i in images] == [a["url"] for a in doc["attachment"][:4]]


def test_mastodon_content_warning() -> None:
    _, note = _create("mastodon_create_cw.json")
    assert note.summary == "reading: Punishment and Reward in the Corporate University"
    assert note.sensitive is True
    assert note.in_reply_to == (
        "http://fossbros-anonymous.io/users/foss_satan/statuses/108138729399508469"
    )
    assert note.content_html.startswith("<p>&gt; So we have to examine critical thinking")


def test_mastodon_edit_carries_updated() -> None:
    _, original = _create("mastodon_create_hashtags_image.json")
    activity = parse_activity(_load("mastodon_update_note.json"))
    assert activity.type == "Update" and activity.actor == original.attributed_to
    assert activity.id.endswith("/statuses/111000972200397678#updates/1693741337")
    assert activity.object is not None
    note = parse_note(activity.object)
    assert note.id == activity.object_id == original.id
    assert original.updated is None
    assert note.updated == datetime(2023, 9, 3, 11, 42, 17, tzinfo=UTC)
    assert note.published is not None and note.published == original.published
    assert note.updated > note.published
    # Mastodon sends the whole note again: the edited text, the tags and image as they are now.
    assert note.content_html.endswith("<p>Edit: the photos from Kraków are ready first.</p>")
    assert note.content_html != original.content_html
    assert (note.hashtags, note.images) == (original.hashtags, original.images)


def test_pixelfed_edit_of_a_reply_with_its_tags_in_one_object() -> None:
    _, original = _create("pixelfed_create_reply_mention.json")
    activity = parse_activity(_load("pixelfed_update_reply_tags.json"))
    assert activity.type == "Update" and activity.actor == original.attributed_to
    assert activity.object is not None
    note = parse_note(activity.object)
    assert note.id == activity.object_id == original.id
    assert note.updated == datetime(2024, 1, 10, 7, 20, 41, tzinfo=UTC)
    assert note.in_reply_to == original.in_reply_to
    # The parent's author from the object's own keys, the others from its numbered keys.
    assert note.mentions == (
        "https://gram.social/users/Alice",
        "https://pixelfed.social/users/dansup",
    )
    assert note.hashtags == ("film",)
    assert original.mentions == ("https://gram.social/users/Alice",)


def test_mastodon_like_announce_and_their_undo() -> None:
    like = parse_activity(_load("mastodon_like.json"))
    assert (like.type, like.actor, like.object_id, like.object) == (
        "Like",
        "https://mastodon.madrid/users/felix",
        "https://ds9.lemmy.ml/post/147",
        None,
    )
    undo_like = parse_activity(_load("mastodon_undo_like.json"))
    assert undo_like.object is not None and undo_like.object["type"] == "Like"
    assert undo_like.object_id == "https://mastodon.madrid/users/felix#likes/212341"

    announce = parse_activity(_load("mastodon_announce.json"))
    assert announce.type == "Announce"
    assert announce.actor == "https://mastodon.social/users/mczachurski"
    assert announce.object_id == (
        "https://mastodon.social/users/TomaszSusul/statuses/111305598148116184"
    )
    assert announce.to == (PUBLIC,)
    undo = parse_activity(_load("mastodon_undo_announce.json"))
    assert (undo.type, undo.actor, undo.object_id) == ("Undo", announce.actor, announce.id)
    assert undo.object is not None and parse_activity(undo.object) == announce


def test_mastodon_delete_names_the_note_through_a_tombstone() -> None:
    delete = parse_activity(_load("mastodon_delete_tombstone.json"))
    assert delete.type == "Delete" and delete.actor == "https://mastodon.madrid/users/felix"
    assert delete.object is not None and delete.object["type"] == "Tombstone"
    assert delete.object_id == "https://mastodon.madrid/users/felix/statuses/107773559874184870"


def test_pixelfed_posts() -> None:
    _, single = _create("pixelfed_create_image.json")
    assert single.hashtags == ("streetphotography", "colorphotography")
    assert single.published == datetime(2023, 10, 30, 13, 7, 15, tzinfo=UTC)
    _, note = _create("pixelfed_create_multi_image.json")
    assert [(i.media_type, i.width, i.height) for i in note.images] == [
        ("image/jpeg", 1620, 1080),
        ("image/jpeg", None, None),  # an old Pixelfed image: no size, no blurhash
    ]
    assert note.images[0].description.startswith("Stickers on the glass")
    assert note.images[0].blurhash == "U9AmM5?GIp9b~UNGoeRk4=E2oeax4;ofxtWB"
    assert (note.images[1].description, note.images[1].blurhash) == ("", None)
    assert 'class="u-url hashtag"' in note.content_html

    _, reply = _create("pixelfed_create_reply_mention.json")
    assert reply.in_reply_to == "https://gram.social/p/Alice/650350850687790456"
    assert reply.mentions == ("https://gram.social/users/Alice",)  # one tag, as an object


def test_pixelfed_like_and_announce() -> None:
    like = parse_activity(_load("pixelfed_like.json"))
    assert (like.type, like.actor, like.object_id) == (
        "Like",
        "https://pixelfed.social/users/mczachurski",
        "https://gram.social/p/Alice/650350850687790456",
    )
    announce = parse_activity(_load("pixelfed_announce.json"))
    assert announce.type == "Announce"
    assert announce.id == "https://pixelfed.social/p/mczachurski/624586708985817828/activity"
    # Pixelfed names a boosted Mastodon post by its web URL, not its ActivityPub id.
    assert announce.object_id == "https://mastodonapp.uk/@damianward/111322877716364793"


def test_gotosocial_reply_with_a_mention() -> None:
    activity, note = _create("gotosocial_create_reply_mention.json")
    assert activity.actor == "http://localhost:8080/users/admin"
    assert note.in_reply_to == (
        "http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY"
    )
    assert note.mentions == ("http://localhost:8080/users/the_mighty_zork",)
    assert note.to == (PUBLIC,)  # a plain string on the wire
    assert note.cc == (
        "http://localhost:8080/users/admin/followers",
        "http://localhost:8080/users/the_mighty_zork",
    )
    assert (note.summary, note.sensitive) == (None, False)  # summary: ""


def test_gotosocial_attachments_with_a_content_warning() -> None:
    _, note = _create("gotosocial_create_images_cw.json")
    assert note.summary == "eye contact, trent reznor gif, cow"
    assert note.sensitive is False  # GoToSocial sends the CW and the flag separately
    # The video goes; the GIF stays, its alt text taken from `summary` as GoToSocial sends it.
    [gif] = note.images
    assert gif.media_type == "image/gif"
    assert gif.description == "90's Trent Reznor turning to the camera"
    assert gif.blurhash == "LCDRH758KOxsEMNxENEM9]}?aKxZ"
    assert (gif.width, gif.height) == (None, None)
    assert note.published == datetime(2021, 10, 20, 10, 40, 37, tzinfo=UTC)


def test_gotosocial_like_and_announce() -> None:
    like = parse_activity(_load("gotosocial_like.json"))
    assert (like.type, like.actor, like.object_id, like.to) == (
        "Like",
        "http://localhost:8080/users/the_mighty_zork",
        "http://localhost:8080/users/admin/statuses/01F8MH75CBF9JFX4ZAD54N0W0R",
        ("http://localhost:8080/users/admin",),
    )
    announce = parse_activity(_load("gotosocial_announce.json"))
    assert (announce.type, announce.actor, announce.object_id) == (
        "Announce",
        "http://localhost:8080/users/the_mighty_zork",
        "http://localhost:8080/users/the_mighty_zork/statuses/01FCTA44PW9H1TB328S9AQXKDS",
    )
    assert announce.to == ("http://localhost:8080/users/the_mighty_zork/followers",)


def test_a_blurhash_outside_its_alphabet_is_dropped() -> None:
    # Mastodon keeps a blurhash only in BlurHash's base-83 alphabet; the string reaches pages.
    doc = _load("gotosocial_create_images_cw.json")
    doc["object"]["attachment"][0]["blurhash"] = 'LCDRH7"><script>alert(1)</script>'
    [gif] = parse_note(doc["object"]).images
    assert gif.blurhash is None and gif.description == "90's Trent Reznor turning to the camera"


def test_the_language_is_the_content_map_s_key() -> None:
    # As Mastodon reads a remote status's language: the first key of `contentMap`.
    languages = {
        name: _create(f"{name}.json")[1].language
        for name in (
            "mastodon_create_image",
            "mastodon_create_reply_mention",
            "gotosocial_create_images_cw",
            "pixelfed_create_image",
        )
    }
    assert languages == {
        "mastodon_create_image": "de",
        "mastodon_create_reply_mention": "en",
        "gotosocial_create_images_cw": "en",
        "pixelfed_create_image": None,  # Pixelfed sends no contentMap
    }


def test_a_note_with_only_a_content_map_is_read_from_it() -> None:
    base = {
        "id": "https://remote.example/notes/1",
        "type": "Note",
        "attributedTo": "https://remote.example/users/ana",
    }
    note = parse_note({**base, "contentMap": {"pt-BR": "<p>olá</p>"}})
    assert (note.content_html, note.language) == ("<p>olá</p>", "pt-BR")
    for key in ("<script>", "english language", "x" * 20, ""):
        odd = parse_note({**base, "content": "<p>hi</p>", "contentMap": {key: "<p>hi</p>"}})
        assert (odd.content_html, odd.language) == ("<p>hi</p>", None)
