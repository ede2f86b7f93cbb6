"""Request parameters as Mastodon's (Rails) controllers see them: the query string, a form
body or a JSON body, merged; a JSON list or `name[]` form fields stay lists."""

from __future__ import annotations

from typing import Any

from quart import request


async def params() -> dict[str, Any]:
    """Query, then form or JSON body (the body wins)."""
    merged: dict[str, Any] = {}
    for source in (request.args, await request.form):
        for key in source:
            values = source.getlist(key)
            name = key.removesuffix("[]")
            merged[name] = values if key.endswith("[]") or len(values) > 1 else values[0]
    if request.is_json:
        body = await request.get_json(silent=True)
        if isinstance(body, dict):
            merged.update(body)
    return merged


def text(values: dict[str, Any], name: str) -> str | None:
    """A parameter that must be a string (a list or an object counts as missing)."""
    value = values.get(name)
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return value if isinstance(value, str) else None
