"""The `/paint PROMPT` convention: a status written in a plain Mastodon app, without media,
whose first line is `/paint PROMPT` becomes a picture post of that prompt (issue 11). Lines
after the first are the caption. A reply may be text alone, as on the web app's post pages;
any other status without a picture is refused in words that say why and how to post."""

from __future__ import annotations

from fedi.domain.posting import Draft, PostError
from storage.models import Post

COMMAND = "/paint"
HOW = (
    "posts here are pictures, so a new post needs one: write /paint PROMPT as the status "
    "to have it painted (for example: /paint a lighthouse at dusk), or attach a picture; "
    "a reply may be text alone"
)


def asks_to_paint(text: str) -> bool:
    """Whether a status's first word is `/paint` (in any case)."""
    first = text.strip().partition("\n")[0].strip().partition(" ")[0]
    return first.lower() == COMMAND


def paint_draft(
    username: str,
    text: str,
    *,
    in_reply_to: str | None = None,
    sensitive: bool = False,
    spoiler_text: str = "",
    visibility: str = "",
    language: str = "",
) -> Draft:
    """The Draft a `/paint PROMPT` status asks for; PostError (saying how) for any other."""
    first, _, rest = text.strip().partition("\n")
    command, _, prompt = first.strip().partition(" ")
    if command.lower() != COMMAND or not prompt.strip():
        raise PostError(HOW)
    return Draft(
        username,
        prompt.strip(),
        caption=rest.strip(),
        sensitive=sensitive or bool(spoiler_text.strip()),
        in_reply_to=in_reply_to,
        content_warning=spoiler_text,
        visibility=visibility or "public",  # Draft refuses any but Mastodon's four
        language=language or None,
    )


def source_text(post: Post) -> str:
    """The status text that would make this post again: `/paint PROMPT`, then the caption (the
    `text` Mastodon returns on delete, which apps put back in the composer to redraft)."""
    if not post.prompt:
        return post.caption
    return "\n".join(part for part in (f"{COMMAND} {post.prompt}", post.caption) if part)


def edited_caption(post: Post, text: str) -> str:
    """The caption an edited status text asks for. An app sends back the source text with
    changes (`/paint PROMPT`, then the caption); the picture stays as painted, so its prompt
    cannot change (PostError: delete and redraft instead). A text without `/paint` is all
    caption."""
    first, _, rest = text.strip().partition("\n")
    command, _, prompt = first.strip().partition(" ")
    if command.lower() != COMMAND:
        return text.strip()
    if post.prompt is None or prompt.strip() != post.prompt.strip():
        raise PostError(
            "the prompt of a picture cannot be changed by an edit: delete and redraft the "
            "status to paint another one"
        )
    return rest.strip()
