"""A remote note's audience read as Mastodon reads it: public, unlisted, private or direct."""

from __future__ import annotations

import pytest

from activitypub.activities import RemoteNote
from fedi.domain.remote_posts import visibility
from storage.models import Account

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = "https://remote.example/users/mallory/followers"
ALICE = "https://impasto.example/users/alice"


def _note(to: tuple[str, ...], cc: tuple[str, ...]) -> RemoteNote:
    return RemoteNote(
        id="https://remote.example/notes/1",
        attributed_to="https://remote.example/users/mallory",
        content_html="",
        summary=None,
        sensitive=False,
        published=None,
        url=None,
        in_reply_to=None,
        to=to,
        cc=cc,
        images=(),
        mentions=(ALICE,),
    )


@pytest.mark.parametrize(
    ("to", "cc", "expected"),
    [
        ((PUBLIC,), (FOLLOWERS,), "public"),
        (("as:Public",), (), "public"),  # the compact form some servers send
        ((FOLLOWERS,), (PUBLIC,), "unlisted"),
        ((FOLLOWERS,), (ALICE,), "private"),
        ((ALICE,), (FOLLOWERS,), "private"),
        ((ALICE,), (), "direct"),
    ],
)
def test_audience_decides_visibility(
    to: tuple[str, ...], cc: tuple[str, ...], expected: str
) -> None:
    author = Account(followers_url=FOLLOWERS)
    assert visibility(_note(to, cc), author) == expected


def test_without_a_known_followers_collection_only_public_counts() -> None:
    assert visibility(_note((FOLLOWERS,), ()), Account(followers_url=None)) == "direct"
