"""POST /api/v1/accounts/:id/follow, /unfollow, /block and /unblock: the domain actions the
CLI calls (`impasto follow`, `block`, ...), each answered with the Relationship after it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from quart import Blueprint, Response

from fedi.core.services import Services
from fedi.domain import account_reads, blocks, follows
from fedi.domain.entities import accounts
from fedi.web.api.records import install, record_id, refuse_user_errors, undo_quietly
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services

bp = Blueprint("api_accounts_write", __name__)
install(bp)
refuse_user_errors(bp)

Action = Callable[[Services, str, str], Awaitable[Any]]


async def _acted(account_id: str, action: Action, *, suspended_too: bool = True) -> Response:
    """Run `action` on an account shown here (404 otherwise; a suspended one only with
    `suspended_too`); the Relationship after."""
    svc, me = services(), acting_account()
    target = await account_reads.account(svc, record_id(account_id), suspended_too=suspended_too)
    await undo_quietly(action(svc, me.username, account_reads.reference(target)))
    return json_response(
        accounts.relationship(await account_reads.relationship(svc, me, target.id))
    )


@bp.post("/api/v1/accounts/<account_id>/follow")
@scoped("write:follows")
async def follow(account_id: str) -> Response:
    """Follow (or ask to follow a locked account): `following` or `requested`. A suspended
    account is not followed: 404, as Mastodon."""
    return await _acted(account_id, follows.follow, suspended_too=False)


@bp.post("/api/v1/accounts/<account_id>/unfollow")
@scoped("write:follows")
async def unfollow(account_id: str) -> Response:
    """Stop following, or withdraw a follow request."""
    return await _acted(account_id, follows.unfollow)


@bp.post("/api/v1/accounts/<account_id>/block")
@scoped("write:blocks")
async def block(account_id: str) -> Response:
    """Block: follows end both ways, nothing of theirs reaches the user."""
    return await _acted(account_id, blocks.block)


@bp.post("/api/v1/accounts/<account_id>/unblock")
@scoped("write:blocks")
async def unblock(account_id: str) -> Response:
    """Lift a block."""
    return await _acted(account_id, blocks.unblock)
