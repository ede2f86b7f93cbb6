"""Following from another server, both ways, as Mastodon does it: a visitor on a profile here
names their own handle and is sent to their server's page for following (the WebFinger answer's
subscribe template); and someone sent here from a page elsewhere (`/authorize_interaction?uri=`)
is shown that account or post here, where they can follow or answer it."""

from __future__ import annotations

from urllib.parse import quote

from activitypub import webfinger
from activitypub.webfinger import WebFingerError
from fedi.core.services import Services
from fedi.domain import search
from fedi.federation.resolver import AccountNotFound, own_host, webfinger_scheme
from storage.models import Account
from storage.timelines import Entry


async def follow_page(svc: Services, handle: str, target_uri: str) -> str:
    """Where the user `handle` follows `target_uri` on their own server; WebFingerError says
    why it cannot be found (a handle of this server included: they sign in here)."""
    _, host = webfinger.parse_handle(handle)
    if own_host(svc, host):
        raise WebFingerError("that handle is on this server: sign in here to follow")
    try:
        scheme = webfinger_scheme(svc, host)
    except AccountNotFound as exc:
        raise WebFingerError(str(exc)) from exc
    template = await webfinger.subscribe_template(svc.http, handle, scheme=scheme)
    return template.replace("{uri}", quote(target_uri, safe=""))


async def interaction_target(svc: Services, viewer: Account, uri: str) -> Account | Entry | None:
    """The account or post `uri` names, looked up on its server if not known here; None when
    it cannot be found."""
    found = await search.search(svc, viewer, search.Query(text=uri, resolve=True, limit=1))
    if found.accounts:
        return found.accounts[0]
    if found.statuses:
        return found.statuses[0]
    return None
