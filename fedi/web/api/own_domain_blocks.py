"""GET, POST and DELETE /api/v1/domain_blocks: the servers the signed-in user blocks for
themselves (a list of domain names, paged by Link headers as Mastodon's)."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import own_domain_blocks
from fedi.web.api.paging import Limits, paged, requested
from fedi.web.api.records import refuse_user_errors
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.helpers import json_response, services
from fedi.web.params import params, text

bp = Blueprint("api_own_domain_blocks", __name__)
refuse_user_errors(bp)

# Mastodon's Api::V1::DomainBlocksController: 100 by default, 200 at most.
DOMAINS = Limits(100, 200)


@bp.get("/api/v1/domain_blocks")
@scoped("read:blocks", "follow")
async def listed() -> Response:
    """The blocked servers' names, newest block first."""
    found = await own_domain_blocks.blocked_servers(
        services(), acting_account(), requested(DOMAINS)
    )
    return paged([name for _, name in found], [key for key, _ in found])


async def _domain() -> str:
    return text(await params(), "domain") or ""


@bp.post("/api/v1/domain_blocks")
@scoped("write:blocks", "follow")
async def block() -> Response:
    """Block a server (`domain`); an empty object, as Mastodon answers."""
    await own_domain_blocks.block_server(services(), acting_account().username, await _domain())
    return json_response({})


@bp.delete("/api/v1/domain_blocks")
@scoped("write:blocks", "follow")
async def unblock() -> Response:
    """Lift a block (`domain`); an empty object, whether or not there was one."""
    await own_domain_blocks.unblock_server(services(), acting_account().username, await _domain())
    return json_response({})
