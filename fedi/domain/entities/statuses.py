"""The Status entity and the entities inside it (MediaAttachment, Mention, Tag, Application),
shaped as docs.joinmastodon.org/entities/Status gives them; a boost is a Status of its own
wrapping the boosted one in `reblog`.

A picture post's `content` is its Note's HTML, so it carries the caption, the model that made
the picture and the prompt, as the federated Note does; each picture's `description` is its
alt text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.services import Services
from fedi.domain.entities.accounts import acct, profile_url
from fedi.domain.entities.formats import timestamp
from fedi.domain.entities.status_facts import StatusFacts, gather
from storage.models import Account, MediaAttachment, Post
from storage.reactions import ANNOUNCE, LIKE
from storage.status_facts import Mentioned, Picture
from storage.timelines import OPEN, Entry

# The client of our own posts: made here, by Impasto's command line or pages.
APPLICATION = {"name": "Impasto", "website": None}
# No quote posts here: nobody may quote (Mastodon 4.5's interaction policy, written out).
QUOTE_APPROVAL = {"automatic": [], "manual": [], "current_user": "denied"}
MEDIA_TYPES = {"image": "image", "video": "video", "audio": "audio"}


def media_attachment(svc: Services, media: MediaAttachment | Picture) -> dict[str, Any]:
    """The MediaAttachment entity: the picture (our copy, or the original where none is kept
    yet), its size, blurhash and alt text."""
    url = svc.urls.media(media.file_name) if media.file_name else media.remote_url
    meta: dict[str, Any] = {}
    if media.width and media.height:
        meta["original"] = {
            "width": media.width,
            "height": media.height,
            "size": f"{media.width}x{media.height}",
            "aspect": media.width / media.height,
        }
        meta["small"] = dict(meta["original"])  # the preview is the picture itself
    if media.focus_x is not None and media.focus_y is not None:
        meta["focus"] = {"x": media.focus_x, "y": media.focus_y}
    return {
        "id": str(media.id),
        "type": MEDIA_TYPES.get(media.media_type.partition("/")[0], "unknown"),
        "url": url,
        "preview_url": url,  # no smaller copy is made
        "remote_url": media.remote_url,
        "meta": meta,
        "description": media.description or None,
        "blurhash": media.blurhash,
    }


def mention(svc: Services, account: Mentioned) -> dict[str, Any]:
    """A Status.mentions item (the account's handle and page as the Account entity's)."""
    return {
        "id": str(account.id),
        "username": account.username,
        "url": profile_url(svc, account),
        "acct": acct(account),
    }


def tag(svc: Services, name: str) -> dict[str, Any]:
    """A Status.tags item: the hashtag and its page here."""
    return {"name": name, "url": f"{svc.urls.base}/tags/{quote(name, safe='')}"}


def _viewer(facts: StatusFacts, post: Post) -> dict[str, Any]:
    """What only a signed-in viewer is told (Mastodon leaves these out otherwise)."""
    if facts.viewer_id is None:
        return {}
    mine = facts.mine.get(post.id, set())
    found: dict[str, Any] = {
        "favourited": LIKE in mine,
        "reblogged": ANNOUNCE in mine,
        "muted": False,
        "bookmarked": post.id in facts.bookmarked,
    }
    if post.account_id == facts.viewer_id and post.local and post.visibility in OPEN:
        found["pinned"] = post.pinned_at is not None
    return found


def _post(svc: Services, facts: StatusFacts, post: Post, author: Account) -> dict[str, Any]:
    parent = facts.parents.get(post.in_reply_to_uri or "")
    counts = facts.counts.get(post.id, {})
    status: dict[str, Any] = {
        "id": str(post.id),
        "created_at": timestamp(post.published_at),
        "in_reply_to_id": str(parent[0]) if parent else None,
        "in_reply_to_account_id": str(parent[1]) if parent else None,
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text,
        "visibility": post.visibility,
        "language": post.language,
        "uri": post.uri,
        "url": post.url or post.uri,  # its page (remote: as its server names it), else its id
        "replies_count": facts.replies.get(post.uri, 0),
        "reblogs_count": counts.get(ANNOUNCE, 0),
        "favourites_count": counts.get(LIKE, 0),
        "quotes_count": 0,
        **_viewer(facts, post),
        "content": post.content_html,
        "reblog": None,
        "account": facts.accounts[author.id],
        "media_attachments": [media_attachment(svc, item) for item in facts.media.get(post.id, [])],
        "mentions": [mention(svc, account) for account in facts.mentions.get(post.id, [])],
        "tags": [tag(svc, name) for name in facts.hashtags.get(post.id, [])],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
        "quote_approval": dict(QUOTE_APPROVAL),
        "edited_at": timestamp(post.updated_at) if post.updated_at else None,
    }
    if post.local:
        status["application"] = dict(APPLICATION)
    return status


def _boost(facts: StatusFacts, entry: Entry, inner: dict[str, Any]) -> dict[str, Any]:
    """A boost as Mastodon serves it: its own id, the Announce's id as `uri`, no page, no
    content of its own, the booster as `account`, and the boosted status in `reblog`."""
    assert entry.booster is not None and entry.boosted_at is not None
    counts = ("replies_count", "reblogs_count", "favourites_count", "quotes_count")
    viewer = ("favourited", "reblogged", "muted", "bookmarked")
    return {
        "id": str(entry.id),
        "created_at": timestamp(entry.boosted_at),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None,
        "uri": facts.boost_uris.get(entry.id, inner["uri"]),
        "url": None,
        **{key: inner[key] for key in counts},
        **{key: inner[key] for key in viewer if key in inner},
        "content": "",
        "reblog": inner,
        "account": facts.accounts[entry.booster.id],
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
        "quote_approval": dict(QUOTE_APPROVAL),
        "edited_at": None,
    }


def status(svc: Services, facts: StatusFacts, entry: Entry) -> dict[str, Any]:
    """The Status entity of a timeline entry: a post, or a boost wrapping one."""
    inner = _post(svc, facts, entry.post, entry.author)
    return inner if entry.booster is None else _boost(facts, entry, inner)


async def statuses(
    svc: Services,
    viewer: Account | None,
    entries: Sequence[Entry],
    session: AsyncSession | None = None,
) -> list[dict[str, Any]]:
    """Status entities of these entries, as the viewer sees them (None: nobody signed in),
    their facts read in `session` (else a read session of their own)."""
    facts = await gather(svc, viewer.id if viewer else None, entries, session)
    return [status(svc, facts, entry) for entry in entries]


async def one_status(svc: Services, viewer: Account | None, entry: Entry) -> dict[str, Any]:
    """The Status entity of one entry."""
    return (await statuses(svc, viewer, [entry]))[0]
