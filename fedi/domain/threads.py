"""A post's thread: the chain it answers (missing links fetched from their origin, within a
bound), the post, and the stored replies below it, as Mastodon's status context gives them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from fedi.core.errors import PostNotFound
from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.domain.lookup import find_post
from fedi.domain.timelines import records
from storage import posts, threads
from storage.models import Account, Post
from storage.timelines import Entry

log = logging.getLogger(__name__)

# Bounds of the walk up the chain: Mastodon's context also stops at a fixed depth, and a
# person waiting at the CLI (or a client) should not wait on a slow server for long.
MAX_ANCESTORS = 20
FETCH_BUDGET = 10.0  # seconds spent fetching missing ancestors, all together


@dataclass(frozen=True)
class Thread:
    """Ancestors (root first), the post, and its descendants (depth-first, oldest first)."""

    ancestors: list[Entry]
    post: Entry
    descendants: list[Entry]


async def thread(
    svc: Services, viewer: Account, post: Post, *, budget: float = FETCH_BUDGET
) -> Thread:
    """The thread around `post`, as `viewer` sees it (deleted and blocked posts left out)."""
    async with svc.reads() as session:
        itself = (await threads.shown_posts(session, viewer.id, [post.id])).get(post.id)
    if itself is None:  # followers-only or direct, and not for this viewer; or blocked
        raise PostNotFound(f"{viewer.username} cannot see {post.uri}")
    chain = await ancestors(svc, post, budget=budget)
    async with svc.reads() as session:
        visible = await threads.shown_posts(session, viewer.id, [p.id for p in chain])
        below = await threads.descendants(session, viewer.id, post)
    return Thread(
        ancestors=[visible[p.id] for p in chain if p.id in visible],
        post=itself,
        descendants=below,
    )


async def ancestors(svc: Services, post: Post, *, budget: float = FETCH_BUDGET) -> list[Post]:
    """The posts `post` answers, root first: walked up by inReplyTo, a missing one fetched
    from its origin and stored. Stops quietly at MAX_ANCESTORS, when `budget` seconds are
    spent, at a link that cannot be had, or at a loop."""
    deadline = asyncio.get_running_loop().time() + budget
    chain: list[Post] = []
    seen = {post.uri}
    uri = post.in_reply_to_uri
    while uri is not None and uri not in seen and len(chain) < MAX_ANCESTORS:
        seen.add(uri)
        parent = await _parent(svc, uri, deadline)
        if parent is None:
            break
        chain.append(parent)
        uri = parent.in_reply_to_uri
    return chain[::-1]


async def _parent(svc: Services, uri: str, deadline: float) -> Post | None:
    """The stored post with this id, else fetched (find_post checks the id and the origin)."""
    async with svc.reads() as session:
        stored = await posts.by_uri(session, uri)
    if stored is not None:
        return stored
    remaining = deadline - asyncio.get_running_loop().time()
    if remaining <= 0:
        return None
    try:
        return await asyncio.wait_for(find_post(svc, uri), remaining)
    except TimeoutError:
        log.info("thread: fetching %s took longer than the budget left", uri)
    except Exception as exc:  # unreachable, gone, blocked or not a note: the chain ends here
        log.info("thread: ancestor %s not fetched: %s", uri, exc)
    return None


async def context(
    svc: Services, username: str, reference: str, *, budget: float = FETCH_BUDGET
) -> Thread:
    """The thread of the post `reference` names (fetched if remote), as the local user sees it."""
    async with svc.reads() as session:
        viewer = await acting_user(session, username)
    post = await find_post(svc, reference)
    return await thread(svc, viewer, post, budget=budget)


async def as_records(svc: Services, found: Thread) -> dict[str, Any]:
    """The thread as records shaped like timeline entries: ancestors, post, descendants."""
    async with svc.reads() as session:
        every = await records(svc, session, [*found.ancestors, found.post, *found.descendants])
    above = len(found.ancestors)
    return {"ancestors": every[:above], "post": every[above], "descendants": every[above + 1 :]}
