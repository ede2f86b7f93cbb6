"""Removing a deleted local account: who must be told, and what stays (the row and its key)."""

from __future__ import annotations

from sqlalchemy import func, select

from fedi.core.services import Services
from storage import account_removal, deliveries
from storage.models import Account, Follow, Post, User


def _account(name: str, host: str | None, *, shared: bool = True) -> Account:
    base = f"https://{host or 'here.example'}/users/{name}"
    return Account(
        uri=base,
        username=name,
        domain=host,
        inbox_url=f"{base}/inbox",
        shared_inbox_url=f"https://{host}/inbox" if host and shared else None,
        public_key_id=f"{base}#key",
        public_key_pem="pem",
        private_key_pem="private" if host is None else None,
    )


async def test_every_inbox_that_knows_the_account_and_nothing_of_it_but_its_key_stays(
    svc: Services,
) -> None:
    alice = _account("alice", None)
    follower = _account("f", "followers.example")
    requester = _account("r", "requests.example", shared=False)
    followed = _account("g", "followed.example")
    stranger = _account("s", "strangers.example")
    async with svc.sessions.begin() as session:
        session.add_all([alice, follower, requester, followed, stranger])
        await session.flush()
        for n, (src, dst, state) in enumerate(
            [
                (follower, alice, "accepted"),
                (requester, alice, "pending"),
                (alice, followed, "pending"),
            ]
        ):
            session.add(Follow(uri=f"f{n}", follower_id=src.id, target_id=dst.id, state=state))
        session.add(User(account_id=alice.id))
        session.add(Post(uri="https://here.example/p/1", account_id=alice.id))
        # Something alice once sent to a server she has no relation with now.
        await deliveries.enqueue(
            session,
            account_id=alice.id,
            uri="https://here.example/a/1",
            activity_type="Like",
            body="{}",
            inboxes=["https://once.example/users/x/inbox"],
        )

    async with svc.sessions.begin() as session:
        assert await account_removal.known_inboxes(session, alice.id) == sorted(
            [
                "https://followers.example/inbox",
                "https://requests.example/users/r/inbox",
                "https://followed.example/inbox",
                "https://once.example/users/x/inbox",
            ]
        )
        await account_removal.erase(session, alice.id)

    async with svc.sessions() as session:
        kept = await session.get(Account, alice.id)
        assert kept is not None and kept.suspended_at is not None
        assert kept.private_key_pem == "private"
        for table in (Follow, User, Post):
            assert await session.scalar(select(func.count()).select_from(table)) == 0
        assert await session.scalar(select(func.count()).select_from(Account)) == 5
