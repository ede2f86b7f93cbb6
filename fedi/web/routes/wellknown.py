"""Discovery: WebFinger, host-meta, NodeInfo."""

from __future__ import annotations

from quart import Blueprint, Response, request

from activitypub import discovery
from fedi.core.services import VERSION
from fedi.domain import instance_settings
from fedi.web.helpers import error, json_response, services
from storage import accounts, posts

bp = Blueprint("wellknown", __name__)


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/webfinger")
async def webfinger() -> Response:
    """Answer acct: and actor-URL resources for local accounts."""
    svc = services()
    try:
        resource = discovery.parse_resource(request.args.get("resource", ""))
    except discovery.ResourceError as exc:
        return _cors(error(400, str(exc)))
    async with svc.reads() as session:
        if resource.username is not None:
            account = None
            if resource.host == svc.settings.instance.host.lower():
                account = await accounts.local_account(session, resource.username)
        else:
            account = await accounts.by_uri(session, resource.actor_url or "")
            if account is not None and not account.is_local:
                account = None
    if account is None or account.suspended_at is not None:  # deleted: Mastodon answers 404
        return _cors(error(404, "no such account here"))
    subject = f"acct:{account.username}@{svc.settings.instance.host}"
    follow_here = f"{svc.settings.instance.url}/authorize_interaction?uri={{uri}}"
    doc = discovery.jrd(subject, account.uri, account.url or account.uri, follow_here)
    response = json_response(doc, discovery.JRD_MEDIA_TYPE)
    return _cors(response)


@bp.get("/.well-known/host-meta")
async def host_meta() -> Response:
    """The XRD pointing at WebFinger."""
    body = discovery.host_meta(services().settings.instance.url)
    return _cors(Response(body, content_type="application/xrd+xml; charset=utf-8"))


@bp.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> Response:
    """Where the NodeInfo documents are."""
    return _cors(json_response(discovery.nodeinfo_links(services().settings.instance.url)))


@bp.get("/nodeinfo/<version>")
async def nodeinfo(version: str) -> Response:
    """NodeInfo 2.0 / 2.1."""
    if version not in discovery.NODEINFO_SCHEMAS:
        return error(404, "unknown NodeInfo version")
    svc = services()
    settings = await instance_settings.current(svc)
    async with svc.reads() as session:
        users = await accounts.count_local(session) - 1  # minus the instance actor
        local_posts = await posts.count_local(session)
    usage = discovery.Usage(
        users=users, active_month=users, active_halfyear=users, local_posts=local_posts
    )
    doc = discovery.nodeinfo(
        version,
        software_version=VERSION,
        usage=usage,
        name=settings.instance.name,
        description=settings.instance.description,
        open_registrations=settings.instance.registrations == "open",
    )
    schema = discovery.NODEINFO_SCHEMAS[version]
    return _cors(json_response(doc, f'application/json; profile="{schema}#"'))
