"""GET /api/v1/instance, /api/v2/instance and the instance's sub-paths: who this server is.

All public, as in Mastodon (methods/instance.md)."""

from __future__ import annotations

from quart import Blueprint, Response

from fedi.domain import instance as domain
from fedi.domain import instance_settings
from fedi.domain.entities import instance as entities
from fedi.web.helpers import json_response, services
from storage.timeutil import utcnow

bp = Blueprint("api_instance", __name__)

# The extended description comes from the config file, read at start: it is as new as this.
STARTED = utcnow()


# Mastodon.py asks for /api/v1/instance/ and /api/v2/instance/, with the slash.
@bp.get("/api/v1/instance")
@bp.get("/api/v1/instance/")
async def instance_v1() -> Response:
    """V1::Instance."""
    svc = services()
    facts = await domain.instance_facts(svc)
    contact = await entities.contact_account(svc, facts)
    settings = await instance_settings.current(svc)
    return json_response(entities.instance_v1(settings, facts, contact))


@bp.get("/api/v2/instance")
@bp.get("/api/v2/instance/")
async def instance_v2() -> Response:
    """Instance."""
    svc = services()
    facts = await domain.instance_facts(svc)
    contact = await entities.contact_account(svc, facts)
    settings = await instance_settings.current(svc)
    return json_response(entities.instance_v2(settings, facts, contact))


@bp.get("/api/v1/instance/peers")
async def peers() -> Response:
    """The domains of the other servers we know."""
    return json_response(await domain.peers(services()))


@bp.get("/api/v1/instance/activity")
async def activity() -> Response:
    """Twelve weeks of local posts, active accounts and new users, this week first."""
    return json_response(entities.activity(await domain.weekly_activity(services())))


@bp.get("/api/v1/instance/rules")
async def rules() -> Response:
    """The server's rules."""
    return json_response(entities.rules(await instance_settings.current(services())))


@bp.get("/api/v1/instance/extended_description")
async def extended_description() -> Response:
    """The longer description of the About page."""
    return json_response(entities.extended_description(services().settings, STARTED))
