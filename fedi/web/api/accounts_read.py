"""GET /api/v1/accounts/:id, /lookup, /:id/statuses, /:id/followers, /:id/following and
/relationships: accounts and their statuses, public as in Mastodon except relationships."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.domain import account_reads, timeline_reads
from fedi.domain.entities import accounts, statuses
from fedi.domain.records import RecordNotFound
from fedi.web.api.paging import ACCOUNTS, STATUSES, paged, requested
from fedi.web.api.records import flag, id_list, install, record_id
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.api.viewer import scoped_if_token, viewer
from fedi.web.helpers import json_response, services
from storage.feeds import Where

bp = Blueprint("api_accounts_read", __name__)
install(bp)


@bp.get("/api/v1/accounts/<account_id>")
@scoped_if_token("read:accounts")
async def show(account_id: str) -> Response:
    """An Account (one an admin suspended shows `suspended: true` and nothing else)."""
    found = await account_reads.account(services(), record_id(account_id), suspended_too=True)
    return json_response(await accounts.one_account(services(), found))


@bp.get("/api/v1/accounts/lookup")
@scoped_if_token("read:accounts")
async def lookup() -> Response:
    """The Account of a handle known here (`acct=name` or `name@host`)."""
    acct = request.args.get("acct", "")
    if not acct.strip():
        raise RecordNotFound("no acct given")
    found = await account_reads.lookup(services(), acct, suspended_too=True)
    return json_response(await accounts.one_account(services(), found))


@bp.get("/api/v1/accounts/<account_id>/statuses")
@scoped_if_token("read:statuses")
async def account_statuses(account_id: str) -> Response:
    """The account's statuses the viewer may read, with Mastodon's filters, paged."""
    where = Where(
        only_media=flag("only_media"),
        exclude_replies=flag("exclude_replies"),
        exclude_reblogs=flag("exclude_reblogs"),
        pinned=flag("pinned"),
        tagged=request.args.get("tagged") or None,
    )
    svc, window = services(), requested(STATUSES)
    entries = await timeline_reads.of_account(svc, viewer(), record_id(account_id), window, where)
    found = await statuses.statuses(svc, viewer(), entries)
    return paged(found, [entry.id for entry in entries])


async def _follows(account_id: str, *, followers: bool) -> Response:
    svc, window = services(), requested(ACCOUNTS)
    rows = await account_reads.follows(
        svc, viewer(), record_id(account_id), window, followers=followers
    )
    found = await accounts.accounts(svc, [row for _, row in rows])
    return paged(found, [key for key, _ in rows])


@bp.get("/api/v1/accounts/<account_id>/followers")
@scoped_if_token("read:accounts")
async def followers(account_id: str) -> Response:
    """Accounts following this one, newest follow first, paged by follow."""
    return await _follows(account_id, followers=True)


@bp.get("/api/v1/accounts/<account_id>/following")
@scoped_if_token("read:accounts")
async def following(account_id: str) -> Response:
    """Accounts this one follows, newest follow first, paged by follow."""
    return await _follows(account_id, followers=False)


@bp.get("/api/v1/accounts/relationships")
@scoped("read:follows")
async def relationships() -> Response:
    """How the signed-in user stands to each account of `id[]`."""
    found = await account_reads.relationships_with(services(), acting_account(), id_list())
    return json_response([accounts.relationship(item) for item in found])
