"""Every collection page defines, in its @context, the terms its items use (a JSON-LD peer
drops an undefined term: `sensitive`, `blurhash`, `Hashtag`), on the outbox as on featured,
replies, followers and following."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from fedi.core.services import Services
from tests.support.servers import run_cli

AS2 = "application/activity+json"
# The ActivityStreams 2.0 vocabulary our documents use (https://www.w3.org/ns/activitystreams).
AS_TERMS = {
    "id", "type", "actor", "object", "published", "updated", "to", "cc", "attributedTo",
    "content", "url", "summary", "inReplyTo", "attachment", "tag", "href", "name",
    "mediaType", "width", "height", "replies", "likes", "shares", "totalItems", "first",
    "next", "partOf", "items", "orderedItems",
}  # fmt: skip
AS_TYPES = {
    "Note", "Create", "Image", "Mention", "Collection", "CollectionPage",
    "OrderedCollection", "OrderedCollectionPage",
}  # fmt: skip


def _defined(context: Any) -> set[str]:
    """The terms a document's @context defines beyond ActivityStreams."""
    entries = context if isinstance(context, list) else [context]
    return {term for entry in entries if isinstance(entry, dict) for term in entry}


def _used(doc: Any) -> Iterator[str]:
    """Every property name and type name used in a document, nested ones too."""
    if isinstance(doc, list):
        for item in doc:
            yield from _used(item)
    elif isinstance(doc, dict):
        for key, value in doc.items():
            if key == "@context":
                continue
            yield key
            if key == "type":
                yield from [value] if isinstance(value, str) else value
            else:
                yield from _used(value)


def _undefined(doc: dict[str, Any]) -> set[str]:
    return set(_used(doc)) - AS_TERMS - AS_TYPES - _defined(doc.get("@context"))


@pytest.fixture
async def posted(client: tuple[Client, Services], config_path: Path) -> tuple[Client, str]:
    """alice's sensitive post with a hashtag and a mention, pinned, with a reply."""
    http, svc = client
    run = asyncio.to_thread
    page = (
        await run(run_cli, config_path, "post", "alice", "p", "--caption", "#a @alice", "--cw", "w")
    ).strip()
    await run(run_cli, config_path, "reply", "alice", page, "another", "--sensitive")
    await run(run_cli, config_path, "pin", "alice", page)
    return http, svc.urls.post("alice", int(page.rsplit("/", 1)[1]))


@pytest.mark.parametrize(
    "path",
    [
        "/users/alice/outbox?page=true",
        "/users/alice/outbox",
        "/users/alice/collections/featured",
        "{post}/replies",
        "{post}/replies?page=true",
        "/users/alice/followers?page=1",
        "/users/alice/following",
        "{post}",
        "{post}/activity",
        "{post}/likes",
    ],
)
async def test_every_term_a_page_uses_is_defined(
    posted: tuple[Client, str], path: str, client: tuple[Client, Services]
) -> None:
    http, post = posted
    url = path.format(post=post.removeprefix(client[1].urls.base))
    response = await http.get(url, headers={"Accept": AS2})
    assert response.status_code == 200
    doc = await response.get_json(force=True)
    assert list(_used(doc)), url
    assert _undefined(doc) == set(), url
    if "outbox?page" in url or "featured" in url:
        items = doc["orderedItems"]
        assert items and any(item.get("sensitive") or item["object"]["sensitive"] for item in items)
