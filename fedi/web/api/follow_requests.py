"""GET /api/v1/follow_requests, POST /api/v1/follow_requests/:id/authorize and /reject, and
GET /api/v1/blocks: what `impasto requests list|approve|reject` and `impasto blocks` do."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import account_reads, follows
from fedi.domain.entities import accounts
from fedi.web.api.paging import ACCOUNTS, paged, requested
from fedi.web.api.records import install, record_id, refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services

bp = Blueprint("api_follow_requests", __name__)
install(bp)
refuse_user_errors(bp)


@bp.get("/api/v1/follow_requests")
@scoped("read:follows")
async def listing() -> Response:
    """Accounts asking to follow the user, newest request first, paged by request."""
    svc, window = services(), requested(ACCOUNTS)
    rows = await account_reads.follow_requests(svc, acting_account(), window)
    found = await accounts.accounts(svc, [row for _, row in rows])
    return paged(found, [key for key, _ in rows])


async def _decide(account_id: str, *, approve: bool) -> Response:
    svc, me = services(), acting_account()
    asking = await account_reads.account(svc, record_id(account_id))
    await follows.decide(svc, me.username, account_reads.reference(asking), approve=approve)
    return json_response(
        accounts.relationship(await account_reads.relationship(svc, me, asking.id))
    )


@bp.post("/api/v1/follow_requests/<account_id>/authorize")
@scoped("write:follows")
async def authorize(account_id: str) -> Response:
    """Accept the account's follow request; the Relationship (`followed_by`)."""
    return await _decide(account_id, approve=True)


@bp.post("/api/v1/follow_requests/<account_id>/reject")
@scoped("write:follows")
async def reject(account_id: str) -> Response:
    """Refuse the account's follow request; the Relationship."""
    return await _decide(account_id, approve=False)


@bp.get("/api/v1/blocks")
@scoped("read:blocks")
async def blocks() -> Response:
    """Accounts the user blocks, newest block first, paged by block."""
    svc, window = services(), requested(ACCOUNTS)
    rows = await account_reads.blocked(svc, acting_account(), window)
    found = await accounts.accounts(svc, [row for _, row in rows])
    return paged(found, [key for key, _ in rows])
