"""Local posts as AS2: the Note, the Create that publishes it, and its `replies`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from activitypub import objects
from fedi.core.services import Services
from fedi.federation.as2.captions import tag_infos
from storage import reactions
from storage.models import Account, MediaAttachment, Mention, Post, PostTag
from storage.timelines import shown

REPLIES_PAGE = 20

# The "Remix of" paragraph `content_html` writes, as nh3 leaves it (fedi.federation.sanitize
# keeps `href` and sets `rel`): the whole paragraph is the words and one link whose text is
# its own address, so a link in a caption that merely says "remix" is not taken for one.
REMIX_LINE = re.compile(r'<p>Remix of <a href="([^"<>]+)"(?: rel="[^"<>]*")?>([^<]*)</a></p>')


def default_alt_text(prompt: str, limit: int) -> str:
    """Alt text for an image that has none: a sentence made from its prompt, in at most
    `limit` characters (the full prompt is in the Note's text)."""
    text = f"AI-generated image of: {prompt.strip()}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def content_html(
    caption_html: str, model: str | None, prompt: str | None, remix_of: str | None = None
) -> str:
    """The Note's HTML: the caption's paragraphs (as2.captions.render), then what made the
    picture and from which prompt, and the post it remixes (a link to its source); they travel
    whatever the caption and alt text say."""
    if model:
        caption_html += f"<p>🎨 Made with {escape(model)} (AI-generated image)</p>"
    if prompt:
        lines = escape(prompt.strip()).replace("\r\n", "\n").replace("\n", "<br>")
        caption_html += f"<p>Prompt: {lines}</p>"
    if remix_of:
        link = escape(remix_of)
        caption_html += f'<p>Remix of <a href="{link}" rel="nofollow noopener">{link}</a></p>'
    return caption_html


def remix_source_in(html: str) -> str | None:
    """The address a note's "Remix of" paragraph (as `content_html` writes it) links, or None
    without such a paragraph."""
    for href, text in REMIX_LINE.findall(html):
        if unescape(href) == unescape(text):
            return unescape(href)
    return None


@dataclass(frozen=True)
class Tags:
    """Whom a local post mentions and its hashtags (lower case, without '#')."""

    mentions: Sequence[Account] = ()
    hashtags: Sequence[str] = ()


async def tags_of(session: AsyncSession, post_ids: Sequence[int]) -> dict[int, Tags]:
    """The mentions and hashtags of each post, in the order they were stored."""
    mentioned: dict[int, list[Account]] = {post_id: [] for post_id in post_ids}
    names: dict[int, list[str]] = {post_id: [] for post_id in post_ids}
    if post_ids:
        rows = await session.execute(
            select(Mention.post_id, Account)
            .join(Account, Account.id == Mention.account_id)
            .where(Mention.post_id.in_(post_ids))
            .order_by(Mention.id)
        )
        for post_id, account in rows:
            mentioned[post_id].append(account)
        tags = await session.execute(
            select(PostTag.post_id, PostTag.name)
            .where(PostTag.post_id.in_(post_ids))
            .order_by(PostTag.id)
        )
        for post_id, name in tags:
            names[post_id].append(name)
    return {post_id: Tags(mentioned[post_id], names[post_id]) for post_id in post_ids}


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


def addressed(
    author: Account, visibility: str, mentions: Sequence[Account]
) -> tuple[list[str], list[str]]:
    """`to` and `cc` of a local post, as Mastodon addresses a status of each visibility:
    public to Public, cc followers; unlisted to followers, cc Public; private (followers-only)
    to followers; direct to whom it mentions only. Those mentioned are in `cc` otherwise."""
    followers, named = f"{author.uri}/followers", [account.uri for account in mentions]
    if visibility == "direct":
        return named, []
    if visibility == "private":
        return [followers], named
    if visibility == "unlisted":
        return [followers], [objects.PUBLIC, *named]
    return [objects.PUBLIC], [followers, *named]


def note(
    svc: Services,
    author: Account,
    post: Post,
    media: Sequence[MediaAttachment],
    *,
    counts: Mapping[str, int] | None = None,
    tags: Tags | None = None,
    with_context: bool = True,
) -> dict[str, Any]:
    """The Note document of a local post (`counts`: its likes and boosts, if known;
    `tags`: whom it mentions and its hashtags, see `tags_of`)."""
    counts = counts or {}
    tags = tags or Tags()
    to, cc = addressed(author, post.visibility, tags.mentions)
    info = objects.NoteInfo(
        id=post.uri,
        url=post.url or post.uri,
        attributed_to=author.uri,
        content_html=post.content_html,
        published=post.published_at,
        to=to,
        cc=cc,
        attachments=[image_info(svc, item) for item in media],
        sensitive=post.sensitive,
        summary=post.spoiler_text or None,
        in_reply_to=post.in_reply_to_uri,
        replies=f"{post.uri}/replies",
        tags=tag_infos(
            tags.mentions,
            tags.hashtags,
            tags_base=f"{svc.urls.base}/tags",
            local_host=svc.settings.instance.host,
        ),
        likes=counts.get(reactions.LIKE, 0),
        shares=counts.get(reactions.ANNOUNCE, 0),
        updated=post.updated_at,
        language=post.language,
    )
    return objects.note(info, with_context=with_context)


def create(
    svc: Services,
    author: Account,
    post: Post,
    media: Sequence[MediaAttachment],
    counts: Mapping[str, int] | None = None,
    tags: Tags | None = None,
) -> dict[str, Any]:
    """The Create activity that publishes a local post."""
    return objects.create(
        f"{post.uri}/activity", note(svc, author, post, media, counts=counts, tags=tags)
    )


def _replies_to(uri: str) -> ColumnElement[bool]:
    # Mastodon's replies collection lists public and unlisted replies; deleted ones are gone.
    return and_(
        Post.in_reply_to_uri == uri,
        Post.visibility.in_(("public", "unlisted")),
        Post.deleted_at.is_(None),
        shown(Account, None),  # not suspended, not on a blocked server
    )


async def replies(
    session: AsyncSession, post: Post, *, page: bool, min_id: int | None = None
) -> dict[str, Any]:
    """A local post's `replies` (local and remote), oldest first, keyset-paged by id: the
    Collection with its first page embedded, or (`page`) the page after `min_id`."""
    collection = f"{post.uri}/replies"
    stmt = (
        select(Post.id, Post.uri)
        .join(Account, Account.id == Post.account_id)
        .where(_replies_to(post.uri))
        .order_by(Post.id)
        .limit(REPLIES_PAGE)
    )
    if min_id is not None:
        stmt = stmt.where(Post.id > min_id)
    rows = list(await session.execute(stmt))
    next_page = (
        f"{collection}?page=true&min_id={rows[-1][0]}" if len(rows) == REPLIES_PAGE else None
    )
    page_id = f"{collection}?page=true" + (f"&min_id={min_id}" if min_id is not None else "")
    doc = objects.collection_page(
        page_id, collection, [uri for _, uri in rows], next_page=next_page
    )
    if page:
        return {"@context": objects.AS_CONTEXT, **doc}
    total = await session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Account, Account.id == Post.account_id)
        .where(_replies_to(post.uri))
    )
    return objects.collection(collection, int(total or 0), doc)
