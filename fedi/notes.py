"""Local posts as AS2: the Note and the Create that publishes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from activitypub import objects
from storage import reactions
from storage.models import Account, MediaAttachment, Post

from .services import Services

ALT_TEXT_LIMIT = 1500  # Mastodon keeps 1,500 characters of an attachment's description


def default_alt_text(prompt: str) -> str:
    """Alt text for an image that has none: a sentence made from its prompt."""
    text = f"AI-generated image of: {prompt.strip()}"
    return text if len(text) <= ALT_TEXT_LIMIT else text[: ALT_TEXT_LIMIT - 1] + "…"


def content_html(caption: str, model: str | None) -> str:
    """The Note's HTML: the caption's paragraphs (escaped), then a line saying what made it."""
    paragraphs = [
        "<p>" + escape(block.strip()).replace("\n", "<br>") + "</p>"
        for block in caption.split("\n\n")
        if block.strip()
    ]
    if model:
        paragraphs.append(f"<p>🎨 Made with {escape(model)} (AI-generated image)</p>")
    return "".join(paragraphs)


def image_info(svc: Services, media: MediaAttachment) -> objects.ImageInfo:
    """One attachment of a local post."""
    assert media.file_name is not None
    return objects.ImageInfo(
        url=svc.urls.media(media.file_name),
        media_type=media.media_type,
        name=media.description,
        blurhash=media.blurhash,
        width=media.width,
        height=media.height,
    )


def note(
    svc: Services,
    author: Account,
    post: Post,
    media: Sequence[MediaAttachment],
    *,
    counts: Mapping[str, int] | None = None,
    with_context: bool = True,
) -> dict[str, Any]:
    """The Note document of a local post (`counts`: its likes and boosts, if known)."""
    counts = counts or {}
    info = objects.NoteInfo(
        id=post.uri,
        url=post.url or post.uri,
        attributed_to=author.uri,
        content_html=post.content_html,
        published=post.published_at,
        to=[objects.PUBLIC],
        cc=[f"{author.uri}/followers"],
        attachments=[image_info(svc, item) for item in media],
        sensitive=post.sensitive,
        summary=post.spoiler_text or None,
        in_reply_to=post.in_reply_to_uri,
        likes=counts.get(reactions.LIKE, 0),
        shares=counts.get(reactions.ANNOUNCE, 0),
    )
    return objects.note(info, with_context=with_context)


def create(
    svc: Services,
    author: Account,
    post: Post,
    media: Sequence[MediaAttachment],
    counts: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The Create activity that publishes a local post."""
    return objects.create(f"{post.uri}/activity", note(svc, author, post, media, counts=counts))
