"""GET /api/v2/search, /api/v1/accounts/search and /api/v1/tags/:name: what a search box and a
tapped hashtag ask for. Public as in Mastodon, except resolving and paging by offset, which
need a signed-in user (401 otherwise, as Mastodon 4 answers)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from fedi.domain import search
from fedi.domain.entities import accounts, tags
from fedi.domain.records import RecordNotFound
from fedi.web.api.paging import ACCOUNTS, Limits
from fedi.web.api.records import flag, install
from fedi.web.api.scoped import acting_account, scoped
from fedi.web.api.viewer import scoped_if_token, viewer
from fedi.web.helpers import error, json_response, services
from storage.ids import parse_id

bp = Blueprint("api_search", __name__)
install(bp)

RESULTS = Limits(20, 40)  # Mastodon's Api::V2::SearchController::RESULTS_LIMIT, and its cap
NEEDS_USER_TO_PAGE = "Search queries pagination is not supported without authentication"
NEEDS_USER_TO_RESOLVE = (
    "Search queries that resolve remote resources are not supported without authentication"
)


def _number(name: str, default: int) -> int:
    try:
        return abs(int(request.args.get(name, "").strip()))
    except ValueError:
        return default


def _query(limits: Limits) -> search.Query:
    limit = min(_number("limit", limits.default) or limits.default, limits.maximum)
    return search.Query(
        text=request.args.get("q", ""),
        kind=request.args.get("type") or None,
        resolve=flag("resolve"),
        following=flag("following"),
        account_id=parse_id(request.args.get("account_id", "")),
        limit=limit,
        offset=_number("offset", 0),
    )


@bp.get("/api/v2/search")
@scoped_if_token("read:search")
async def search_v2() -> Response:
    """Accounts, statuses and hashtags that the query finds."""
    if not request.args.get("q", "").strip():
        return error(400, "param is missing or the value is empty: q")
    query = _query(RESULTS)
    if viewer() is None and request.args.get("offset"):
        return error(401, NEEDS_USER_TO_PAGE)
    if viewer() is None and query.resolve:
        return error(401, NEEDS_USER_TO_RESOLVE)
    found = await search.search(services(), viewer(), query)
    return json_response(await tags.search_results(services(), viewer(), found))


@bp.get("/api/v1/accounts/search")
@scoped("read:accounts")
async def account_search() -> Response:
    """Accounts whose name starts with the query (`resolve`: a handle looked up too)."""
    found = await search.accounts(services(), acting_account(), _query(ACCOUNTS))
    return json_response(await accounts.accounts(services(), found))


@bp.get("/api/v1/tags/<name>")
@scoped_if_token("read:follows")
async def tag(name: str) -> Response:
    """A hashtag (any well-formed one, used here or not, as Mastodon answers)."""
    normal = search.hashtag_name(name)
    if normal is None:
        raise RecordNotFound(f"{name!r} is not a hashtag")
    return json_response(tags.hashtag(services(), normal))
