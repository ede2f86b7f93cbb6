"""A page's facts (storage.status_facts.page_facts), read in one statement: pictures in their
order, mentions and hashtags in the order stored, each post's counts, and the counts of an
account whose stored counts are missing counted from the rows."""

from __future__ import annotations

from sqlalchemy import delete

from fedi.core.services import Services
from storage import status_facts
from storage.models import MediaAttachment, Mention, Post, PostTag, Reaction
from storage.reactions import ANNOUNCE, LIKE
from storage.stats_models import AccountStats
from tests.support import rows


async def test_a_page_s_facts_in_their_order(svc: Services) -> None:
    async with svc.sessions.begin() as session:
        ann = rows.account("https://a.example/users/ann", "ann", "a.example")
        bo = rows.account("https://b.example/users/bo", "bo", "b.example")
        session.add_all([ann, bo])
        await session.flush()
        post = Post(
            uri="https://a.example/notes/1",
            account_id=ann.id,
            local=False,
            visibility="public",
            content_html="<p>two pictures</p>",
        )
        session.add(post)
        await session.flush()
        for position in (1, 0):  # stored second first
            session.add(
                MediaAttachment(
                    post_id=post.id,
                    account_id=ann.id,
                    position=position,
                    remote_url=f"https://a.example/media/{position}.png",
                    media_type="image/png",
                    description=f"picture {position}",
                    focus_x=0.5 if position else None,
                )
            )
        for who in (bo, ann):
            session.add(Mention(post_id=post.id, account_id=who.id))
            await session.flush()
        for name in ("sea", "dusk"):
            session.add(PostTag(post_id=post.id, name=name))
            await session.flush()
        session.add(
            Reaction(kind=LIKE, uri="https://b.example/likes/1", account_id=bo.id, post_id=post.id)
        )
        await session.execute(delete(AccountStats).where(AccountStats.account_id == ann.id))

    async with svc.reads() as session:
        facts = await status_facts.page_facts(
            session, bo.id, [post.id], [post.uri], [], [], [ann.id, bo.id]
        )
    pictures = facts.media[post.id]
    assert [item.description for item in pictures] == ["picture 0", "picture 1"]
    assert (pictures[1].focus_x, pictures[1].media_type) == (0.5, "image/png")
    assert [who.username for who in facts.mentions[post.id]] == ["bo", "ann"]
    assert facts.hashtags[post.id] == ["sea", "dusk"]
    assert facts.counts[post.id] == {LIKE: 1, ANNOUNCE: 0}
    assert facts.mine[post.id] == {LIKE}
    counted = facts.people[ann.id]  # no stored counts: counted from the posts
    assert (counted.statuses, counted.followers) == (1, 0)
    assert counted.last_status_at is not None
    assert facts.people[bo.id].statuses == 0
