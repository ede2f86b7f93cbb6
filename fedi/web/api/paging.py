"""The one paging helper of every list the client API serves: Mastodon's `max_id`, `since_id`,
`min_id` and `limit` in (docs.joinmastodon.org/api/guidelines/#pagination), a `Link` header
out with `rel="next"` (older: max_id) and `rel="prev"` (newer: min_id) as Mastodon writes it.
Clients page by those links only (a list of followers is paged by follow ids nobody sees)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from quart import Response, request

from fedi.web.helpers import id_arg, json_response, services
from storage.timelines import Window

PAGING = ("max_id", "since_id", "min_id")
# Never echoed back into a link (a client that sends its token in the query keeps it there).
DROPPED = (*PAGING, "access_token")


@dataclass(frozen=True)
class Limits:
    """A list's page size when none is asked for, and the most it gives."""

    default: int
    maximum: int


# Mastodon's DEFAULT_STATUSES_LIMIT, DEFAULT_ACCOUNTS_LIMIT and notifications' limit (4.1+).
STATUSES = Limits(20, 40)
ACCOUNTS = Limits(40, 80)
NOTIFICATIONS = Limits(40, 80)


def _limit(limits: Limits) -> int:
    text = request.args.get("limit", "").strip()
    try:
        asked = abs(int(text))
    except ValueError:
        return limits.default
    return min(asked, limits.maximum) if asked else limits.default


def requested(limits: Limits = STATUSES) -> Window:
    """The slice of a list the request asks for."""
    return Window(_limit(limits), id_arg("max_id"), id_arg("since_id"), id_arg("min_id"))


def _url(key: str, value: int) -> str:
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in DROPPED]
    query = urlencode([*kept, (key, str(value))])
    # The path as the client sent it (a hashtag may be any letters; a header is ASCII).
    return f"{services().settings.instance.url}{quote(request.path)}?{query}"


def link_header(keys: Sequence[int]) -> str | None:
    """The Link header of a page whose items have these paging ids (newest first): older
    pages below the last, newer ones above the first; none for an empty page (as Mastodon's
    timelines and notifications)."""
    if not keys:
        return None
    return f'<{_url("max_id", keys[-1])}>; rel="next", <{_url("min_id", keys[0])}>; rel="prev"'


def paged(items: Sequence[Any], keys: Sequence[int]) -> Response:
    """A JSON array with its Link header; `keys` are the items' paging ids, in their order."""
    response = json_response(list(items))
    link = link_header(keys)
    if link is not None:
        response.headers["Link"] = link
    return response
