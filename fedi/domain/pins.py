"""Pinned posts: an author's own public posts shown first, published as the actor's `featured`
collection (Mastodon reads it when it fetches the actor)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fedi.core.errors import NothingToUndo, UserError
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.lookup import find_post
from fedi.federation.as2 import activities
from fedi.federation.outbox import queue
from storage import follows
from storage.models import Account, Post
from storage.timeutil import utcnow

MAX_PINS = 5  # Mastodon's limit (StatusPinValidator)


class PinError(UserError):
    """A post cannot be pinned or unpinned; the message says why."""


class NotPinned(PinError, NothingToUndo):
    """An unpin of a post that is not pinned."""


async def pinned(session: AsyncSession, account_id: int) -> Sequence[Post]:
    """The account's pinned posts, newest pin first."""
    stmt = (
        select(Post)
        .where(
            Post.account_id == account_id, Post.pinned_at.is_not(None), Post.deleted_at.is_(None)
        )
        .order_by(Post.pinned_at.desc(), Post.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def _count(session: AsyncSession, account_id: int) -> int:
    stmt = select(func.count()).where(
        Post.account_id == account_id, Post.pinned_at.is_not(None), Post.deleted_at.is_(None)
    )
    return int((await session.execute(stmt)).scalar_one())


async def _own(svc: Services, session: AsyncSession, username: str, reference: str) -> Post:
    found = await find_post(svc, reference, fetch=False)
    author = await acting_user(session, username)
    post = await session.get(Post, found.id)
    if post is None or not post.local or post.account_id != author.id:
        raise PinError(f"{reference} is not a post of {username}")
    return post


async def pin(svc: Services, username: str, reference: str) -> Post:
    """Pin an own public post (at most MAX_PINS); pinning it again changes nothing."""
    async with svc.sessions.begin() as session:
        post = await _own(svc, session, username, reference)
        if post.visibility != "public":
            raise PinError("only public posts can be pinned")  # as Mastodon
        if post.pinned_at is not None:
            return post
        if await _count(session, post.account_id) >= MAX_PINS:
            raise PinError(f"at most {MAX_PINS} posts can be pinned: unpin one first")
        post.pinned_at = utcnow()
        await _announce(svc, session, post, "Add")
    svc.delivery_wakeup.set()
    return post


async def unpin(svc: Services, username: str, reference: str) -> None:
    """Unpin an own post."""
    async with svc.sessions.begin() as session:
        post = await _own(svc, session, username, reference)
        if post.pinned_at is None:
            raise NotPinned(f"{reference} is not pinned")
        post.pinned_at = None
        await _announce(svc, session, post, "Remove")
    svc.delivery_wakeup.set()


async def _announce(svc: Services, session: AsyncSession, post: Post, kind: str) -> None:
    """Tell followers: Mastodon sends Add/Remove with the featured collection as target."""
    author = await session.get(Account, post.account_id)
    assert author is not None
    doc = activities.featured(svc, kind, author, post)
    await queue(session, author, doc, await follows.follower_inboxes(session, author.id))
