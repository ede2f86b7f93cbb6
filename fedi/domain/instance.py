"""What the server says about itself: counts, the servers it knows, its weekly activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fedi.core.services import INSTANCE_ACTOR, Services
from storage import instance_stats, posts
from storage.instance_stats import WeekCounts
from storage.models import Account
from storage.timeutil import utcnow

# Mastodon's "active users" look back four weeks (usage.users.active_month).
ACTIVE_WINDOW = timedelta(days=28)
# GET /api/v1/instance/activity covers twelve weeks, this one first.
ACTIVITY_WEEKS = 12


@dataclass(frozen=True)
class InstanceFacts:
    """The counts and people an instance description needs, read in one go."""

    user_count: int
    status_count: int
    domain_count: int
    # Local accounts that posted in the last four weeks: we keep no record of sign-ins, so a
    # post is what counts as activity (Mastodon counts sign-ins).
    active_month: int
    # The admin people may contact (the oldest), or None if there is no admin.
    contact: Account | None


async def instance_facts(svc: Services) -> InstanceFacts:
    """Users, local posts, known servers, active users and the contact admin."""
    async with svc.reads() as session:
        return InstanceFacts(
            user_count=await instance_stats.local_users(session, exclude=INSTANCE_ACTOR),
            status_count=await posts.count_local(session),
            domain_count=await instance_stats.count_domains(session),
            active_month=await instance_stats.active_since(session, utcnow() - ACTIVE_WINDOW),
            contact=await instance_stats.first_admin(session),
        )


async def peers(svc: Services) -> list[str]:
    """The other servers we know an account of (blocked ones left out), by name."""
    async with svc.reads() as session:
        return await instance_stats.known_domains(session)


def week_starts(now: datetime, weeks: int = ACTIVITY_WEEKS) -> list[datetime]:
    """Midnight UTC of the Mondays beginning this week and the `weeks - 1` before, oldest first
    (Rails' beginning_of_week, which Mastodon's weekly activity uses)."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


async def weekly_activity(svc: Services, now: datetime | None = None) -> list[WeekCounts]:
    """Local posts, posting accounts and new users per week, this week first."""
    now = now or utcnow()
    async with svc.reads() as session:
        weeks = await instance_stats.weekly(
            session, week_starts(now), now + timedelta(seconds=1), exclude=INSTANCE_ACTOR
        )
    return weeks[::-1]
