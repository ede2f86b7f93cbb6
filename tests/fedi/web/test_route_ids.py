"""Ids in URLs: a number no row can have (over the 64-bit range the databases store) or a
malformed one is 404 before any query, on every route that takes an id, and leaves no
traceback in the log. The routes are found in the app's URL map, so a new one is covered."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from fedi.core.settings import Settings
from fedi.domain.posting import Draft, make_post
from fedi.web.app import create_app
from storage.ids import MAX_ID, parse_id

AS2 = "application/activity+json"
_PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def _id_rules() -> list[tuple[str, str]]:
    """(rule, method) of every route with an integer in its path."""
    app = create_app(Settings(), workers=False)
    found = []
    for rule in app.url_map.iter_rules():
        converters = [match["converter"] for match in _PLACEHOLDER.finditer(rule.rule)]
        if "int" in converters:
            methods = rule.methods or set()
            found.append((rule.rule, "GET" if "GET" in methods else sorted(methods)[0]))
    return sorted(found)


def _path(rule: str, number: str) -> str:
    """The rule's path with `number` for its integers, alice for names, a valid choice for
    the rest."""

    def fill(match: re.Match[str]) -> str:
        converter = match["converter"]
        if converter == "int":
            return number
        if converter == "any":
            return match["args"].split(",")[0].strip()
        return "alice" if match["name"] == "username" else "follow"

    return _PLACEHOLDER.sub(fill, rule)


ID_RULES = _id_rules()
NOT_IDS = [str(2**63), "9" * 23, "9" * 5000, "1" + "0" * 19, "\u0661", "\u00b2"]


def test_the_routes_with_ids_are_found() -> None:
    assert len(ID_RULES) >= 6
    assert ("/@<username>/<int:post_id>", "GET") in ID_RULES


@pytest.mark.parametrize(("rule", "method"), ID_RULES)
@pytest.mark.parametrize("number", NOT_IDS, ids=lambda n: n if len(n) < 25 else f"{len(n)}-digits")
async def test_an_id_no_row_can_have_is_404_without_a_traceback(
    client: tuple[Client, Services],
    caplog: pytest.LogCaptureFixture,
    rule: str,
    method: str,
    number: str,
) -> None:
    http, _ = client
    caplog.set_level(logging.WARNING)
    for accept in ("text/html", AS2):
        response = await http.open(_path(rule, number), method=method, headers={"Accept": accept})
        assert response.status_code == 404, (rule, number)
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert "Traceback" not in caplog.text


async def test_the_largest_id_is_looked_up(client: tuple[Client, Services]) -> None:
    """2**63 - 1 is a valid id (none has it): an ordinary 404 from the route."""
    http, _ = client
    response = await http.get(f"/users/alice/statuses/{MAX_ID}")
    assert response.status_code == 404
    assert (await response.get_json(force=True)) == {"error": "no such post"}


async def test_a_post_is_still_found_by_its_id(client: tuple[Client, Services]) -> None:
    http, svc = client
    post = await make_post(svc, Draft("alice", "a lighthouse at dusk"))
    for path in (f"/@alice/{post.id}", f"/users/alice/statuses/{post.id}"):
        response = await http.get(path, headers={"Accept": AS2})
        assert response.status_code in (200, 308), path
    leading_zeros = await http.get(f"/@alice/000{post.id}")
    assert leading_zeros.status_code == 200


@pytest.mark.parametrize("number", [str(2**63), "9" * 5000, "\u00b2"])
async def test_a_paging_id_out_of_range_is_ignored(
    client: tuple[Client, Services], caplog: pytest.LogCaptureFixture, number: str
) -> None:
    http, svc = client
    post = await make_post(svc, Draft("alice", "a lighthouse at dusk #dusk"))
    paths = [
        "/users/alice/outbox?page=true&max_id=",
        "/users/alice/followers?page=1&max_id=",
        "/users/alice/following?page=1&max_id=",
        "/tags/dusk?max_id=",
        f"/users/alice/statuses/{post.id}/replies?page=true&min_id=",
    ]
    for path in paths:
        response = await http.get(path + quote(number), headers={"Accept": AS2})
        assert response.status_code == 200, path
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),
        ("", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("\u0661", None),
        ("\u00b2", None),
    ],
)
def test_parse_id(text: str, value: int | None) -> None:
    assert parse_id(text) == value
