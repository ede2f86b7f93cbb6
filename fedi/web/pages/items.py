"""What the pages show of a post in a list (a timeline, search results, a remote profile):
the author, the pictures, the caption, the prompt, when, the counts and what the viewer did,
read for a whole page at once with the client API's status facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from quart import request

from fedi.core.services import Services
from fedi.domain.entities.accounts import avatar_url
from fedi.domain.entities.status_facts import gather
from storage.models import Account, MediaAttachment, Post
from storage.reactions import ANNOUNCE, LIKE
from storage.status_facts import Picture
from storage.timelines import OPEN, Entry


@dataclass(frozen=True)
class Person:
    """An account as a list shows it: name, handle, where its page is, its picture if ours."""

    name: str
    handle: str
    path: str
    avatar: str | None  # only a picture this server serves (a remote one's copy made here)

    @property
    def initial(self) -> str:
        """The letter shown in place of a picture we do not serve."""
        return (self.name.strip() or "?")[0].upper()


@dataclass(frozen=True)
class Item:
    """One entry of a list: a post, or someone's boost of it."""

    id: int  # the entry's keyset position (a post's id, or a boost's)
    post: Post
    author: Person
    booster: Person | None
    media: Sequence[MediaAttachment | Picture]
    caption: Markup
    path: str  # the post's page here
    likes: int
    boosts: int
    liked: bool
    boosted: bool

    @property
    def hidden(self) -> bool:
        """Behind a warning until opened."""
        return self.post.sensitive or bool(self.post.spoiler_text)

    @property
    def boostable(self) -> bool:
        """Whether anyone may boost it (public and unlisted posts only)."""
        return self.post.visibility in OPEN

    @property
    def published(self) -> datetime:
        """When it was published."""
        return self.post.published_at


def person(svc: Services, account: Account) -> Person:
    """How an account is shown in a list."""
    host = account.domain or svc.settings.instance.host
    local = account.domain is None
    path = f"/@{account.username}" if local else f"/@{account.username}@{account.domain}"
    return Person(
        name=account.display_name or account.username,
        handle=f"@{account.username}@{host}",
        path=path,
        avatar=avatar_url(svc, account),
    )


def post_path(post: Post, author: Account) -> str:
    """A post's page here: a local one's own page, a remote one shown in the app."""
    return f"/@{author.username}/{post.id}" if post.local else f"/posts/{post.id}"


async def items(svc: Services, viewer: Account | None, entries: Sequence[Entry]) -> list[Item]:
    """The entries as list items, as `viewer` sees them (its likes and boosts)."""
    facts = await gather(svc, viewer.id if viewer else None, entries)
    found = []
    for entry in entries:
        post = entry.post
        counts, mine = facts.counts.get(post.id, {}), facts.mine.get(post.id, set())
        found.append(
            Item(
                id=entry.id,
                post=post,
                author=person(svc, entry.author),
                booster=person(svc, entry.booster) if entry.booster else None,
                media=facts.media.get(post.id, []),
                # Stored sanitised: remote HTML by federation.sanitize, ours built escaped.
                caption=Markup(post.content_html),  # noqa: S704
                path=post_path(post, entry.author),
                likes=counts.get(LIKE, 0),
                boosts=counts.get(ANNOUNCE, 0),
                liked=LIKE in mine,
                boosted=ANNOUNCE in mine,
            )
        )
    return found


def here() -> str:
    """This page's path and query: where an action's form sends the browser back."""
    query = request.query_string.decode("ascii", "replace")
    return request.path + (f"?{query}" if query else "")
