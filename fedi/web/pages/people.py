"""The people side of a person's settings: follow requests to approve or reject
(/settings/follow_requests), the accounts they block (/settings/blocks), and blocking or
unblocking an account from its profile (POST /@<name>/block and /@<name>/unblock, where the
name is a local username or a remote user@host)."""

from __future__ import annotations

from quart import Blueprint, Response, abort, redirect
from werkzeug.wrappers.response import Response as WerkzeugResponse

from fedi.core.errors import UserError
from fedi.domain import account_reads, blocks, follows
from fedi.domain.records import RecordNotFound
from fedi.federation.as2.captions import handle_of
from fedi.web.helpers import id_arg, services
from fedi.web.pages.settings_common import (
    checked_form,
    local_next,
    settings_page,
    to_sign_in,
    viewer,
)
from storage.models import Account
from storage.timelines import Window

bp = Blueprint("settings_people", __name__)
REQUESTS, BLOCKS = "/settings/follow_requests", "/settings/blocks"
PAGE_SIZE = 40


def _people(rows: list[tuple[int, Account]]) -> list[dict[str, str]]:
    """What the lists show of each account: name, handle, where its profile is, and how the
    block routes name it (a local username, or user@host)."""
    host = services().settings.instance.host
    shown = []
    for _, account in rows:
        name = account.username if account.is_local else f"{account.username}@{account.domain}"
        shown.append(
            {
                "id": str(account.id),
                "name": account.display_name or account.username,
                "handle": "@" + handle_of(account, host),
                "path": f"/@{name}",
                "ref": name,
            }
        )
    return shown


def _more(rows: list[tuple[int, Account]]) -> int | None:
    return rows[-1][0] if len(rows) == PAGE_SIZE else None


@bp.get(REQUESTS)
async def follow_requests() -> Response | WerkzeugResponse:
    """The accounts asking to follow, newest first, each with Approve and Reject."""
    me = await viewer()
    if me is None:
        return to_sign_in(REQUESTS)
    window = Window(limit=PAGE_SIZE, max_id=id_arg("max_id"))
    rows = await account_reads.follow_requests(services(), me, window)
    return await settings_page(
        "settings_follow_requests.html", me, people=_people(rows), more=_more(rows)
    )


@bp.post(f"{REQUESTS}/<int:account_id>/<any(approve, reject):decision>")
async def decide(account_id: int, decision: str) -> WerkzeugResponse:
    """Approve (an Accept goes to the follower) or reject (a Reject) one request."""
    me = await viewer()
    if me is None:
        return to_sign_in(REQUESTS)
    await checked_form()
    svc = services()
    try:
        asking = await account_reads.account(svc, account_id)
        reference = account_reads.reference(asking)
        await follows.decide(svc, me.username, reference, approve=decision == "approve")
    except RecordNotFound:
        abort(404)
    except follows.FollowError:
        pass  # answered already (in another tab, or by an app): the list shows what is left
    return redirect(REQUESTS, code=303)


@bp.get(BLOCKS)
async def blocked() -> Response | WerkzeugResponse:
    """The accounts blocked, newest block first, each with Unblock."""
    me = await viewer()
    if me is None:
        return to_sign_in(BLOCKS)
    window = Window(limit=PAGE_SIZE, max_id=id_arg("max_id"))
    rows = await account_reads.blocked(services(), me, window)
    return await settings_page("settings_blocks.html", me, people=_people(rows), more=_more(rows))


async def _block(name: str, *, block: bool) -> WerkzeugResponse:
    me = await viewer()
    if me is None:
        return to_sign_in(f"/@{name}")
    form = await checked_form()
    back = local_next(form.get("next"), f"/@{name}" if "@" not in name else BLOCKS)
    svc = services()
    try:
        # Accounts known here only (no WebFinger): a local name, or a stored remote actor,
        # which the domain actions are given by its id.
        reference = account_reads.reference(await account_reads.lookup(svc, name))
        if block:
            await blocks.block(svc, me.username, reference)
        else:
            await blocks.unblock(svc, me.username, reference)
    except RecordNotFound:
        abort(404)
    except UserError:
        pass  # not blocked (any more), or oneself: the page shows how things stand
    return redirect(back, code=303)


@bp.post("/@<name>/block")
async def block(name: str) -> WerkzeugResponse:
    """Block an account: follows both ways end, and it hears a Block if it is remote."""
    return await _block(name, block=True)


@bp.post("/@<name>/unblock")
async def unblock(name: str) -> WerkzeugResponse:
    """Lift a block (an Undo of the Block goes to a remote account)."""
    return await _block(name, block=False)
