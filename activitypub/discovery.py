"""Server side of discovery: WebFinger JRD, host-meta and NodeInfo documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import quoteattr

from .objects import AS_MEDIA_TYPE
from .urls import normalize_id

JRD_MEDIA_TYPE = "application/jrd+json"
NODEINFO_SCHEMAS = {
    "2.0": "http://nodeinfo.diaspora.software/ns/schema/2.0",
    "2.1": "http://nodeinfo.diaspora.software/ns/schema/2.1",
}


class ResourceError(ValueError):
    """A WebFinger resource that is malformed (400) — not one that is merely unknown (404)."""


@dataclass(frozen=True)
class Resource:
    """A parsed WebFinger resource: a local username, or an actor URL to match."""

    username: str | None
    actor_url: str | None
    host: str | None


def parse_resource(resource: str) -> Resource:
    """Parse `acct:user@host` (also bare `user@host`) or an http(s) actor URL."""
    value = unquote(resource.strip())
    if not value:
        raise ResourceError("resource is required")
    if value.lower().startswith(("http://", "https://")):
        try:
            return Resource(None, normalize_id(value), None)
        except ValueError as exc:
            raise ResourceError(str(exc)) from None
    if value.startswith("acct:"):
        value = value[len("acct:") :]
    value = value.lstrip("@")
    user, sep, host = value.partition("@")
    if not sep or not user or not host or "@" in host or "/" in host or " " in value:
        raise ResourceError(f"malformed resource {resource!r}: expected acct:user@host")
    return Resource(user, None, host.lower())


# Where a server takes its users to follow or answer something seen elsewhere: the template's
# {uri} is the account's or post's id (OStatus named it; Mastodon, Pleroma and Misskey use it).
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"


def jrd(
    subject: str, actor_url: str, profile_url: str, subscribe_template: str | None = None
) -> dict[str, Any]:
    """The WebFinger answer for one account, with the links Mastodon looks for (and where
    its owner's server takes them to follow from a page elsewhere)."""
    links: list[dict[str, str]] = [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile_url},
        {"rel": "self", "type": AS_MEDIA_TYPE, "href": actor_url},
    ]
    if subscribe_template is not None:
        links.append({"rel": SUBSCRIBE_REL, "template": subscribe_template})
    return {"subject": subject, "aliases": [profile_url, actor_url], "links": links}


def host_meta(base_url: str) -> str:
    """The host-meta XRD pointing at our WebFinger template (older software still asks)."""
    template = quoteattr(f"{base_url}/.well-known/webfinger?resource={{uri}}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template={template}/>\n'
        "</XRD>\n"
    )


def nodeinfo_links(base_url: str) -> dict[str, Any]:
    """/.well-known/nodeinfo: where each NodeInfo version lives."""
    return {
        "links": [
            {"rel": schema, "href": f"{base_url}/nodeinfo/{version}"}
            for version, schema in NODEINFO_SCHEMAS.items()
        ]
    }


@dataclass(frozen=True)
class Usage:
    """Counts NodeInfo publishes."""

    users: int
    active_month: int
    active_halfyear: int
    local_posts: int


def nodeinfo(
    version: str,
    *,
    software_version: str,
    usage: Usage,
    name: str,
    description: str,
    open_registrations: bool = False,
) -> dict[str, Any]:
    """A NodeInfo 2.0 or 2.1 document."""
    software: dict[str, Any] = {"name": "impasto", "version": software_version}
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open_registrations,
        "usage": {
            "users": {
                "total": usage.users,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_halfyear,
            },
            "localPosts": usage.local_posts,
        },
        "metadata": {"nodeName": name, "nodeDescription": description},
    }
