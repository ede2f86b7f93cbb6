"""A post's thread in storage: which posts of a chain a viewer sees, and the stored replies
below a post, in the order Mastodon's context endpoint gives them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Account, Post
from .timelines import Entry, readable, shown

# Mastodon's context: at most 60 descendants by default, 20 levels deep.
DESCENDANTS = 60
DEPTH = 20
ROWS = 1000  # replies read at most, whatever is shown


def _visible(viewer_id: int | None, *where: ColumnElement[bool]) -> Select[Post, Account]:
    """Posts matching `where`, with their authors, that the viewer may see: not deleted,
    author not hidden, audience including the viewer."""
    return (
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(*where, Post.deleted_at.is_(None), shown(Account, viewer_id), readable(viewer_id))
    )


async def shown_posts(
    session: AsyncSession, viewer_id: int | None, post_ids: Sequence[int]
) -> dict[int, Entry]:
    """Those of the posts the viewer may see (not deleted, author not hidden), by id."""
    if not post_ids:
        return {}
    rows = await session.execute(_visible(viewer_id, Post.id.in_(post_ids)))
    return {post.id: Entry(post.id, post, author) for post, author in rows}


async def descendants(
    session: AsyncSession,
    viewer_id: int | None,
    root: Post,
    *,
    limit: int = DESCENDANTS,
    depth: int = DEPTH,
) -> list[Entry]:
    """Stored replies below `root`, recursively: depth-first, siblings oldest first.

    A deleted or hidden reply is left out with the replies below it (as in Mastodon, where
    they are no longer reachable from the root)."""
    children = await _replies_by_parent(session, viewer_id, root, depth)
    ordered: list[Entry] = []
    stack = list(reversed(children.get(root.uri, [])))
    while stack and len(ordered) < limit:
        entry = stack.pop()
        ordered.append(entry)
        stack.extend(reversed(children.get(entry.post.uri, [])))
    return ordered


async def _replies_by_parent(
    session: AsyncSession, viewer_id: int | None, root: Post, depth: int
) -> dict[str, list[Entry]]:
    """Replies level by level (one query per level, ROWS at most), by the uri they answer."""
    children: dict[str, list[Entry]] = {}
    seen = {root.id}  # a reply cycle must not walk forever
    frontier = [root.uri]
    read = 0
    for _ in range(depth):
        if not frontier or read >= ROWS:
            break
        stmt = (
            _visible(viewer_id, Post.in_reply_to_uri.in_(frontier))
            .order_by(Post.id)
            .limit(ROWS - read)
        )
        rows = list(await session.execute(stmt))
        read += len(rows)
        frontier = []
        for post, author in rows:
            if post.id in seen or post.in_reply_to_uri is None:
                continue
            seen.add(post.id)
            children.setdefault(post.in_reply_to_uri, []).append(Entry(post.id, post, author))
            frontier.append(post.uri)
    return children
