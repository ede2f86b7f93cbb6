"""A minimal GET /api/v1/instance and /api/v2/instance: Mastodon.py's log_in() reads the
version from them (and recurses without end when it cannot), so signing in needs them.
Kept in this one module so the full instance endpoints can replace it whole."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from fedi.core.services import VERSION
from fedi.web.helpers import json_response, services
from storage import accounts, posts

bp = Blueprint("api_instance", __name__)
# The Mastodon API level this server speaks (its OAuth is Mastodon 4.3's), in the form
# other compatible servers use; `api_versions` goes with it from 4.3 on.
MASTODON_VERSION = f"4.3.0 (compatible; Impasto {VERSION})"
API_VERSIONS = {"mastodon": 2}


async def _numbers() -> tuple[int, int]:
    async with services().reads() as session:
        users = await accounts.count_local(session) - 1  # not the instance actor
        return users, await posts.count_local(session)


def _common() -> dict[str, Any]:
    settings = services().settings.instance
    return {
        "title": settings.name,
        "description": settings.description,
        "version": MASTODON_VERSION,
        "languages": ["en"],
        "rules": [],
    }


@bp.get("/api/v1/instance")
@bp.get("/api/v1/instance/")  # Mastodon.py asks with the slash
async def instance_v1() -> Response:
    """The Instance entity of API v1, minimal."""
    users, statuses = await _numbers()
    return json_response(
        {
            **_common(),
            "uri": services().settings.instance.host,
            "short_description": services().settings.instance.description,
            "email": "",
            "urls": {},
            "stats": {"user_count": users, "status_count": statuses, "domain_count": 0},
            "thumbnail": None,
            "registrations": False,
            "approval_required": False,
            "invites_enabled": False,
            "contact_account": None,
        }
    )


@bp.get("/api/v2/instance")
@bp.get("/api/v2/instance/")
async def instance_v2() -> Response:
    """The Instance entity of API v2, minimal."""
    users, _ = await _numbers()
    return json_response(
        {
            **_common(),
            "domain": services().settings.instance.host,
            "source_url": "",
            "usage": {"users": {"active_month": users}},
            "thumbnail": {"url": f"{services().settings.instance.url}/static/missing.png"},
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "api_versions": API_VERSIONS,
            "contact": {"email": "", "account": None},
        }
    )
