"""What the read routes share in parsing: ids in paths and lists, Mastodon's booleans, and the
404 Mastodon answers for a record that is not there (or not for this viewer)."""

from __future__ import annotations

from collections.abc import Awaitable

from quart import Blueprint, Response, request

from fedi.core.errors import NothingToUndo, PostNotFound, UserError
from fedi.domain.records import RecordNotFound
from fedi.web.helpers import error
from storage.ids import parse_id

NOT_FOUND = "Record not found"  # Mastodon's words for ActiveRecord::RecordNotFound
# Rails' ActiveModel::Type::Boolean: these (and an empty value) are false, anything else true.
FALSE = frozenset({"0", "f", "false", "off", "no", "n"})


def record_id(text: str) -> int:
    """The id a path names; RecordNotFound when no row can have it."""
    number = parse_id(text)
    if number is None:
        raise RecordNotFound(f"no record {text!r}")
    return number


def id_list(name: str = "id") -> list[int]:
    """The ids of a `name[]` (or `name`) list parameter, in order; malformed ones are left out,
    as Mastodon finds no record for them."""
    values = request.args.getlist(f"{name}[]") + request.args.getlist(name)
    return [number for number in map(parse_id, values) if number is not None]


def boolean(value: object) -> bool:
    """A boolean parameter as Rails reads it, from a form (text) or a JSON body (true/false)."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    return bool(text) and text not in FALSE


def flag(name: str) -> bool:
    """A boolean query parameter as Rails reads it (Mastodon.py sends 1 and 0)."""
    value = request.args.get(name, "").strip().lower()
    return bool(value) and value not in FALSE


def _not_found(_: Exception) -> Response:
    return error(404, NOT_FOUND)


def install(bp: Blueprint) -> None:
    """Answer a read that finds nothing as Mastodon does: 404 {"error": "Record not found"}."""
    bp.register_error_handler(RecordNotFound, _not_found)
    bp.register_error_handler(PostNotFound, _not_found)


def _refused(exc: Exception) -> Response:
    return error(422, str(exc))


def refuse_user_errors(bp: Blueprint) -> None:
    """Answer an action the domain refuses (a UserError other than a missing post) as Mastodon
    answers a validation error: 422 {"error": the reason}."""
    bp.register_error_handler(UserError, _refused)


async def undo_quietly(action: Awaitable[object]) -> None:
    """Run an action; taking back what was not done counts as done, as Mastodon answers an
    unfavourite, unreblog, unpin, unfollow or unblock of nothing with the entity, not an error."""
    try:
        await action
    except NothingToUndo:
        pass
