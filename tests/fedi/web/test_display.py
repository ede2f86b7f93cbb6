"""Text and pictures cut down for display: titles and previews, blurhash placeholders."""

from __future__ import annotations

import base64
from io import BytesIO

import pytest
from PIL import Image

from fedi.web.display import blur_placeholder, shorten

HASH = "LEHV6nWB2yk8pyo0adR*.7kCMdnj"  # 4x3 components, from the blurhash reference


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("a lighthouse", 20, "a lighthouse"),
        ("the quick brown fox jumps", 12, "the quick…"),
        ("the quick brown fox jumps", 15, "the quick…"),  # not "the quick brown…" (16)
        ("the quick, brown fox", 11, "the quick…"),  # no dangling comma
        ("Pneumonoultramicroscopic", 10, "Pneumonou…"),  # one long word: cut inside it
        ("  two\n\nlines\tand   spaces ", 40, "two lines and spaces"),
        ("", 10, ""),
        (None, 10, ""),
    ],
)
def test_shorten_cuts_at_a_word_boundary(text: str | None, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def _decoded(uri: str | None) -> Image.Image:
    assert uri is not None and uri.startswith("data:image/png;base64,")
    return Image.open(BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_blur_placeholder_is_a_tiny_png_of_the_pictures_shape() -> None:
    square = _decoded(blur_placeholder(HASH, 1024, 1024))
    assert square.size == (32, 32) and square.mode == "RGB"
    wide = _decoded(blur_placeholder(HASH, 1600, 900))
    assert wide.size == (32, 18)
    assert _decoded(blur_placeholder(HASH, None, None)).size == (32, 32)
    assert len(blur_placeholder(HASH, 1024, 1024) or "") < 4000  # fits in a page


@pytest.mark.parametrize("bad", ["", "not a blurhash", "L", "LEHV6nWB2yk8pyo0adR*.7kCMdn"])
def test_a_bad_blurhash_gives_no_placeholder(bad: str) -> None:
    assert blur_placeholder(bad, 10, 10) is None
    assert blur_placeholder(None, 10, 10) is None
