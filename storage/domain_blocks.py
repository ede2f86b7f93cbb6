"""Blocked servers: adding one severs what we had with it; the set is read often, so cached."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from . import home_feed
from .deliveries import FAILED, PENDING
from .models import Account, DomainBlock, Follow
from .rows import rowcount
from .work_models import Delivery


def normalise(domain: str) -> str:
    """host[:port] in lower case, as account domains are stored."""
    return domain.strip().lower().rstrip(".")


async def all_domains(session: AsyncSession) -> set[str]:
    """Every blocked domain."""
    return set((await session.execute(select(DomainBlock.domain))).scalars())


async def listed(session: AsyncSession) -> list[DomainBlock]:
    """Every block, newest first, with the reason the admin gave."""
    stmt = select(DomainBlock).order_by(DomainBlock.created_at.desc(), DomainBlock.id.desc())
    return list((await session.execute(stmt)).scalars())


async def add(session: AsyncSession, domain: str, reason: str = "") -> bool:
    """Block a domain: follows with its accounts end and queued deliveries to it fail.

    False if it was blocked already."""
    domain = normalise(domain)
    if await session.scalar(select(DomainBlock.id).where(DomainBlock.domain == domain)):
        return False
    session.add(DomainBlock(domain=domain, reason=reason))
    theirs = select(Account.id).where(Account.domain == domain)
    await session.execute(
        delete(Follow).where(or_(Follow.follower_id.in_(theirs), Follow.target_id.in_(theirs)))
    )
    await session.run_sync(lambda s: home_feed.forget_domain(s.connection(), domain))
    host_prefixes = [f"https://{domain}/", f"http://{domain}/"]
    await session.execute(
        update(Delivery)
        .where(
            Delivery.state == PENDING,
            or_(*(Delivery.inbox_url.startswith(prefix) for prefix in host_prefixes)),
        )
        .values(state=FAILED, last_error=f"domain {domain} is blocked")
    )
    return True


async def remove(session: AsyncSession, domain: str) -> bool:
    """Lift a block; False if there was none."""
    result = await session.execute(
        delete(DomainBlock).where(DomainBlock.domain == normalise(domain))
    )
    return bool(rowcount(result))
