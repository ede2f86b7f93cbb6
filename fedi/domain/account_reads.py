"""Reading accounts for a viewer: one by id or by handle, whom it follows and who follows it,
and how the viewer stands to others. The client API serves these; the CLI could too."""

from __future__ import annotations

from collections.abc import Sequence

from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.domain.records import RecordNotFound
from storage import people
from storage.models import Account
from storage.relationships import Relationship, relationships
from storage.timelines import Window


def _listed(account: Account | None, *, suspended_too: bool = False) -> bool:
    """Whether an account is one to show: not deleted (a deleted local account is kept
    suspended), not suspended by an admin unless `suspended_too`, and not the instance
    actor, which stands for the server, not a person."""
    if account is None or account.suspended_at is not None:
        return False
    if account.suspended_since is not None and not suspended_too:
        return False
    return not (account.domain is None and account.username == INSTANCE_ACTOR)


def suspended(account: Account) -> bool:
    """Whether an admin suspended this account: it is shown as Mastodon shows a suspended
    one (`suspended: true`, nothing of its profile, no statuses, no follows)."""
    return account.suspended_since is not None


async def account(svc: Services, account_id: int, *, suspended_too: bool = False) -> Account:
    """The account with this id; RecordNotFound when there is none to show, or its server is
    blocked here. An account an admin suspended is found only with `suspended_too`."""
    async with svc.reads() as session:
        found = await session.get(Account, account_id)
    if not _listed(found, suspended_too=suspended_too) or (
        found and found.domain and await svc.domain_blocked(found.domain)
    ):
        raise RecordNotFound(f"no account {account_id}")
    assert found is not None
    return found


async def lookup(svc: Services, acct: str, *, suspended_too: bool = False) -> Account:
    """The account a handle names (`name`, `@name`, `name@host`): only accounts stored here
    are found, without WebFinger (Mastodon's lookup skips it too)."""
    username, _, host = acct.strip().lstrip("@").partition("@")
    local = not host or host.lower() == svc.settings.instance.host.lower()
    async with svc.reads() as session:
        found = await people.by_handle(session, username, None if local else host)
    if not username or not _listed(found, suspended_too=suspended_too):
        raise RecordNotFound(f"no account {acct!r} here")
    assert found is not None
    return await account(svc, found.id, suspended_too=suspended_too)


async def follows(
    svc: Services, viewer: Account | None, account_id: int, window: Window, *, followers: bool
) -> list[tuple[int, Account]]:
    """(follow id, account) of the account's followers (or of those it follows), newest
    follow first; none of a suspended account's, as Mastodon."""
    if suspended(await account(svc, account_id, suspended_too=True)):
        return []
    async with svc.reads() as session:
        return await people.follow_page(
            session,
            account_id,
            window,
            followers=followers,
            viewer_id=viewer.id if viewer else None,
        )


async def relationships_with(
    svc: Services, viewer: Account, account_ids: Sequence[int]
) -> list[Relationship]:
    """How the viewer stands to each of these accounts, in the order asked, each once;
    unknown ids are left out."""
    wanted = list(dict.fromkeys(account_ids))
    async with svc.reads() as session:
        known = await people.by_ids(session, wanted)
        found = await relationships(session, viewer.id, list(known))
    return [
        found[key] for key in wanted if key in found and _listed(known[key], suspended_too=True)
    ]


def reference(account: Account) -> str:
    """How the domain actions (`follows.follow`, `blocks.block`, ...) name this account: a
    local user by name, a remote one by actor id, so no lookup is needed."""
    return account.username if account.domain is None else account.uri


async def relationship(svc: Services, viewer: Account, account_id: int) -> Relationship:
    """How the viewer stands to one account; RecordNotFound when there is none to show."""
    found = await relationships_with(svc, viewer, [account_id])
    if not found:
        raise RecordNotFound(f"no account {account_id}")
    return found[0]


async def blocked(svc: Services, viewer: Account, window: Window) -> list[tuple[int, Account]]:
    """(block id, account) of the accounts the viewer blocks, newest block first."""
    async with svc.reads() as session:
        return await people.blocks_page(session, viewer.id, window)


async def follow_requests(
    svc: Services, viewer: Account, window: Window
) -> list[tuple[int, Account]]:
    """(follow id, account) of the requests awaiting the viewer's approval, newest first."""
    async with svc.reads() as session:
        return await people.requests_page(session, viewer.id, window)
