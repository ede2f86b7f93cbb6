"""The `/paint PROMPT` convention: what a status asks for, what is refused, and the text that
makes a post again."""

from __future__ import annotations

import pytest

from fedi.domain.paint_command import asks_to_paint, paint_draft, source_text
from fedi.domain.posting import PostError
from storage.models import Post


def test_a_paint_status() -> None:
    draft = paint_draft("alice", "  /paint a lighthouse at dusk  ")
    assert (draft.username, draft.prompt, draft.caption) == ("alice", "a lighthouse at dusk", "")
    assert draft.sensitive is False and draft.in_reply_to is None


def test_the_caption_the_warning_and_the_reply() -> None:
    draft = paint_draft(
        "alice", "/PAINT a fox\nfor you\n#snow", in_reply_to="7", spoiler_text="dark"
    )
    assert (draft.prompt, draft.caption) == ("a fox", "for you\n#snow")
    assert (draft.content_warning, draft.sensitive, draft.in_reply_to) == ("dark", True, "7")


@pytest.mark.parametrize(
    "text", ["", "hello", "/paint", "/paint   ", "/painted a cat", "a /paint cat"]
)
def test_anything_else_says_how(text: str) -> None:
    with pytest.raises(PostError, match="/paint PROMPT"):
        paint_draft("alice", text)


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct"])
def test_visibility_is_kept(visibility: str) -> None:
    assert paint_draft("alice", "/paint a cat", visibility=visibility).visibility == visibility
    assert paint_draft("alice", "/paint a cat").visibility == "public"  # none given


def test_the_source_text_paints_it_again() -> None:
    post = Post(prompt="a boat", caption="at sea")
    assert source_text(post) == "/paint a boat\nat sea"
    again = paint_draft("alice", source_text(post))
    assert (again.prompt, again.caption) == ("a boat", "at sea")
    assert source_text(Post(prompt=None, caption="hi")) == "hi"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("/paint a cat", True),
        ("  /PAINT a cat\nfor you", True),
        ("/paint", True),  # asks, though for nothing: paint_draft says how
        ("nice!", False),
        ("@bob /paint a cat", False),
        ("/painted a cat", False),
        ("", False),
    ],
)
def test_asks_to_paint(text: str, asks: bool) -> None:
    assert asks_to_paint(text) is asks
