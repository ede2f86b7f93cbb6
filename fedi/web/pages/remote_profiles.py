"""A remote account's page here, /@user@host: picture, name, bio, the counts this server
knows, Follow/Unfollow and Block/Unblock buttons for someone signed in (CSRF-checked forms;
blocking is fedi.web.pages.people's), and the posts of theirs stored here. A local account's
page is /@user (fedi.web.routes.web); /@user@ourhost goes there."""

from __future__ import annotations

from markupsafe import Markup
from quart import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import account_reads, timeline_reads
from fedi.domain import follows as following
from fedi.domain.entities.accounts import header_url
from fedi.domain.records import RecordNotFound
from fedi.federation.resolver import own_host
from fedi.federation.sanitize import clean_html
from fedi.web import sessions
from fedi.web.csrf import CsrfError, check_csrf
from fedi.web.helpers import id_arg, services
from fedi.web.pages.items import here, items, person
from storage import account_counts
from storage.feeds import Where
from storage.models import Account
from storage.timelines import Window

bp = Blueprint("remote_profiles", __name__)
PAGE_SIZE = 20


async def _account(username: str, host: str) -> Account:
    try:
        return await account_reads.lookup(services(), f"{username}@{host}")
    except RecordNotFound:
        abort(404)


@bp.get("/@<username>@<host>")
async def profile(username: str, host: str) -> str | WerkzeugResponse:
    """The account's page as this server knows it (404 for one it has never stored)."""
    if own_host(services(), host):
        return redirect(f"/@{username}", code=301)
    svc = services()
    viewer = await sessions.signed_in()
    account = await _account(username, host)
    window = Window(limit=PAGE_SIZE, max_id=id_arg("max_id"))
    entries = await timeline_reads.of_account(svc, viewer, account.id, window, Where())
    async with svc.reads() as session:
        counts = await account_counts.counts(session, account.id)
    relation, blocking = None, False
    if viewer is not None:
        stands = await account_reads.relationship(svc, viewer, account.id)
        relation = "accepted" if stands.following else "pending" if stands.requested else "none"
        blocking = stands.blocking
    who = person(svc, account)
    return await render_template(
        "remote_profile.html",
        account=account,
        who=who,
        header=header_url(svc, account),
        bio=Markup(clean_html(account.summary)) if account.summary else None,  # noqa: S704
        counts=counts,
        relation=relation,
        blocking=blocking,
        items=await items(svc, viewer, entries),
        more=entries[-1].id if len(entries) == PAGE_SIZE else None,
        here=here(),
        urls=svc.urls,
        settings=svc.settings,
    )


async def _act(username: str, host: str, *, follow: bool) -> WerkzeugResponse:
    page = f"/@{username}@{host}"
    viewer = await sessions.signed_in()
    if viewer is None:
        return redirect(f"/auth/sign_in?next={page}", code=303)
    try:
        check_csrf(await request.form)
    except CsrfError:
        abort(403)
    account = await _account(username, host)
    act = following.follow if follow else following.unfollow
    try:
        await act(services(), viewer.username, account.uri)
    except UserError:
        pass  # already (not) following, or a block between them: the page shows the state
    return redirect(page, code=303)


@bp.post("/@<username>@<host>/follow")
async def follow(username: str, host: str) -> WerkzeugResponse:
    """Follow the account (a request until its server accepts)."""
    return await _act(username, host, follow=True)


@bp.post("/@<username>@<host>/unfollow")
async def unfollow(username: str, host: str) -> WerkzeugResponse:
    """Stop following the account (or take back the request)."""
    return await _act(username, host, follow=False)
