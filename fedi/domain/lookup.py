"""Finding a post from what a person types: its id, its page URL, or a remote post's URL.

Ours and stored ones are read from the database; a remote post not stored yet is fetched from
its origin with a signed GET (the fetched document's id must be where it came from; a page
URL's document is fetched again by the id it names) and stored.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from activitypub.activities import ActivityError, parse_note
from activitypub.http import BadDocument, FetchError
from activitypub.urls import ids_equal, same_origin
from fedi.core.errors import PostNotFound
from fedi.core.services import Services
from fedi.domain.remote_posts import store_fetched
from storage import posts
from storage.ids import parse_id
from storage.models import Post

# /users/NAME/statuses/ID (the Note's id) and /@NAME/ID (its page)
_LOCAL = re.compile(r"^/(?:users/[^/]+/statuses|@[^/]+)/(\d+)/?$")


async def find_post(svc: Services, reference: str, *, fetch: bool = True) -> Post:
    """The post `reference` names; a remote one is fetched and stored when `fetch` allows."""
    ref = reference.strip()
    post = await _stored(svc, ref)
    if post is None and fetch and not same_origin(ref, svc.urls.base):
        post = await _fetched(svc, ref)
    if post is None:
        raise PostNotFound(f"no post {reference!r} here")
    if post.deleted_at is not None:
        raise PostNotFound(f"the post {reference!r} was deleted")
    return post


async def _stored(svc: Services, ref: str) -> Post | None:
    async with svc.reads() as session:
        if ref.isdigit():
            number = parse_id(ref)
            return await posts.by_id(session, number) if number is not None else None
        post = await posts.by_uri(session, ref)
        if post is None and same_origin(ref, svc.urls.base):
            local = _LOCAL.match(urlsplit(ref).path)
            number = parse_id(local.group(1)) if local else None
            post = await posts.by_id(session, number) if number is not None else None
            if post is not None and not post.local:
                post = None
        return post


async def _fetched(svc: Services, url: str) -> Post | None:
    if not url.startswith(("https://", "http://")):
        return None
    await _refuse_blocked(svc, url)
    try:
        note = parse_note(await _document(svc, url))
    except FetchError as exc:
        raise PostNotFound(f"{url} could not be fetched: {exc}") from exc
    except ActivityError as exc:
        raise PostNotFound(f"{url} is not a post Impasto can show: {exc.reason}") from exc
    async with svc.reads() as session:
        stored = await posts.by_uri(session, note.id)  # fetched by its page URL, say
    return stored or await store_fetched(svc, note)


async def _refuse_blocked(svc: Services, url: str) -> None:
    if await svc.domain_blocked(urlsplit(url).netloc):
        raise PostNotFound(f"{urlsplit(url).netloc} is blocked on this server")


async def _document(svc: Services, url: str) -> dict[str, Any]:
    """The document `url` names, its id checked. A page URL (Mastodon's /@user/ID) serves the
    Note under another id (/users/user/statuses/ID): as Mastodon's FetchResourceService does,
    that id is fetched once more with the strict check, and only that document is used."""
    signer = await svc.instance_signer()
    try:
        return await svc.http.get_json(url, signer=signer)
    except BadDocument as strict:
        first = await svc.http.get_json(url, signer=signer, expect_id=False)
        named = first.get("id")
        # No id, or the URL's own id (the fetch went elsewhere): nothing to follow.
        if not isinstance(named, str) or ids_equal(named, url) or not named.startswith("http"):
            raise strict from None
    await _refuse_blocked(svc, named)
    return await svc.http.get_json(named, signer=signer)  # never the first one's content
