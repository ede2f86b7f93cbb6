"""How many SQL statements one home timeline request costs: a page of 20 statuses from many
authors, with pictures, mentions, hashtags, replies, likes, boosts and bookmarks, must stay
within a fixed number of statements (the query plan of the request, not its speed), so that
a change cannot silently go back to a statement per kind of fact."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from fedi.core.services import Services
from fedi.domain import apps
from storage.models import Account, Bookmark, MediaAttachment, Mention, Post, PostTag, Reaction
from storage.reactions import ANNOUNCE, LIKE
from tests.support.api_scene import get
from tests.support.oauth import Pair
from tests.support.rows import accepted_follow, account

HOME = "/api/v1/timelines/home?limit=20"
# The token with its user (1), the feed's page (1) and the page's facts (1: counts of the
# accounts, pictures, mentions and the keyed facts in one union), all in one read session,
# plus its BEGIN on SQLite (asyncpg begins without a statement). It was 16 in three sessions,
# then 7 with the facts in four statements.
MOST_STATEMENTS = 4


@contextmanager
def counted(svc: Services) -> Iterator[list[str]]:
    """The SQL statements the request runs inside the block: those of the task that checked
    the token (the streaming hub polls beside it, in a task of its own)."""
    seen: list[tuple[object, str]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append((asyncio.current_task(), statement))

    engines = {svc.engine.sync_engine, svc.read_engine.sync_engine}
    if svc.page_engine is not None and svc.page_engine.pool is not svc.engine.pool:
        engines.add(svc.page_engine.sync_engine)  # (sharing the pool, it hears the events)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listen)
    ours: list[str] = []
    try:
        yield ours
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listen)
    request = {task for task, statement in seen if "FROM oauth_tokens" in statement}
    assert len(request) == 1, "the token was checked once, in one task"
    ours.extend(statement for task, statement in seen if task in request)


async def _world(svc: Services) -> int:
    """Twelve remote authors alice follows, each with two posts (a picture, a mention of
    alice and a hashtag on each, every other one a reply), boosts among them, likes and a
    bookmark by alice; returns alice's id."""
    async with svc.sessions.begin() as session:
        alice = await session.scalar(select(Account).where(Account.username == "alice"))
        assert alice is not None
        authors = [
            account(f"https://r{n}.example/users/u{n}", f"u{n}", f"r{n}.example") for n in range(12)
        ]
        session.add_all(authors)
        await session.flush()
        session.add_all(
            accepted_follow(f"https://h.example/follows/{n}", alice.id, author.id)
            for n, author in enumerate(authors)
        )
        await session.flush()
        posts: list[Post] = []
        for n, author in enumerate(authors * 2):
            post = Post(
                uri=f"{author.uri}/statuses/{n}",
                account_id=author.id,
                local=False,
                visibility="public",
                content_html=f"<p>picture {n} #sea</p>",
                in_reply_to_uri=posts[-1].uri if n % 2 and posts else None,
            )
            session.add(post)
            await session.flush()
            posts.append(post)
            session.add_all(
                [
                    MediaAttachment(
                        post_id=post.id,
                        account_id=author.id,
                        remote_url=f"{author.uri}/media/{n}.png",
                        media_type="image/png",
                        width=64,
                        height=64,
                    ),
                    Mention(post_id=post.id, account_id=alice.id),
                    PostTag(post_id=post.id, name="sea"),
                ]
            )
        for n, post in enumerate(posts[:8]):
            booster = authors[(n + 5) % len(authors)]
            session.add(
                Reaction(
                    kind=ANNOUNCE,
                    uri=f"{booster.uri}/announces/{n}",
                    account_id=booster.id,
                    post_id=post.id,
                )
            )
            session.add(
                Reaction(
                    kind=LIKE, uri=f"{alice.uri}/likes/{n}", account_id=alice.id, post_id=post.id
                )
            )
        session.add(Bookmark(account_id=alice.id, post_id=posts[-1].id))
        return alice.id


async def test_a_home_page_costs_a_fixed_number_of_statements(client: Pair) -> None:
    http, svc = client
    await _world(svc)
    token = (await apps.personal_token(svc, "alice", "read")).secret
    await get(http, HOME, token)  # warm: the first request may read what later ones keep
    with counted(svc) as statements:
        page = await get(http, HOME, token)
    assert len(page) == 20
    assert sum(1 for status in page if status["reblog"]) >= 4
    inner = [status["reblog"] or status for status in page]
    assert all(status["media_attachments"] and status["mentions"] for status in inner)
    assert any(status["in_reply_to_id"] for status in inner)
    assert any(status["favourited"] for status in inner)
    assert any(status["bookmarked"] for status in inner)
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)
