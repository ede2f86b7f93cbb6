"""What the server says about itself: counts, the contact admin, the weeks of its activity."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from fedi.core.services import Services
from fedi.domain.accounts import create_user
from fedi.domain.instance import instance_facts, week_starts
from storage.models import Account


def test_weeks_begin_on_monday_midnight_utc() -> None:
    starts = week_starts(datetime(2024, 3, 13, 15, 30, tzinfo=UTC), weeks=3)  # a Wednesday
    assert starts == [
        datetime(2024, 2, 26, tzinfo=UTC),
        datetime(2024, 3, 4, tzinfo=UTC),
        datetime(2024, 3, 11, tzinfo=UTC),
    ]
    assert week_starts(datetime(2024, 3, 11, tzinfo=UTC), weeks=1) == [
        datetime(2024, 3, 11, tzinfo=UTC)
    ]


async def test_users_are_people_in_use_and_the_contact_is_the_oldest_admin(svc: Services) -> None:
    await create_user(svc, "alice")
    first = await create_user(svc, "root", admin=True)
    await create_user(svc, "second", admin=True)
    gone = await create_user(svc, "gone")
    async with svc.sessions.begin() as session:
        await session.execute(
            update(Account).where(Account.id == gone.id).values(suspended_at=datetime.now(UTC))
        )
    facts = await instance_facts(svc)
    assert facts.user_count == 3  # not the deleted one, not the instance actor
    assert facts.contact is not None and facts.contact.id == first.id
    assert (facts.status_count, facts.domain_count, facts.active_month) == (0, 0, 0)


async def test_no_admin_no_contact(svc: Services) -> None:
    await create_user(svc, "alice")
    assert (await instance_facts(svc)).contact is None
