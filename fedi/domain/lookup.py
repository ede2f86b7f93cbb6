"""Finding a post from what a person types: its id, its page URL, or a remote post's URL.

Ours and stored ones are read from the database; a remote post not stored yet is fetched from
its origin with a signed GET (the fetched document's id must be where it came from; a page
URL's document is fetched again by the id it names) and stored.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from activitypub import alternate
from activitypub.activities import ActivityError, parse_note
from activitypub.actors import ACTOR_TYPES, ActorParseError, parse_actor
from activitypub.http import BadContentType, BadDocument, FetchError
from activitypub.urls import ids_equal, same_origin
from fedi.core.errors import PostNotFound
from fedi.core.services import Services
from fedi.domain.remote_posts import store_fetched
from fedi.federation.actors import store_actor
from storage import posts
from storage.ids import parse_id
from storage.models import Account, Post

# /users/NAME/statuses/ID (the Note's id) and /@NAME/ID (its page)
PAGE_BYTES = 512 * 1024  # an HTML page read for the link to its ActivityStreams document
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


async def fetch_post_or_actor(svc: Services, url: str) -> Post | Account:
    """What a remote URL names, fetched once and stored: a post (by its id or its page URL) or
    an actor. PostNotFound when it is neither, cannot be fetched, or its server is blocked."""
    if not url.startswith(("https://", "http://")) or same_origin(url, svc.urls.base):
        raise PostNotFound(f"{url} is not a remote URL")
    await _refuse_blocked(svc, url)
    try:
        doc = await _document(svc, url)
        if doc.get("type") in ACTOR_TYPES:
            if same_origin(str(doc.get("id")), svc.urls.base):
                raise PostNotFound(f"{url} names an account of this server")
            return await store_actor(svc, parse_actor(doc))
        note = parse_note(doc)
    except FetchError as exc:
        raise PostNotFound(f"{url} could not be fetched: {exc}") from exc
    except (ActivityError, ActorParseError) as exc:
        raise PostNotFound(f"{url} is not a post or an account: {exc}") from exc
    async with svc.reads() as session:
        stored = await posts.by_uri(session, note.id)
    return stored or await store_fetched(svc, note)


async def _refuse_blocked(svc: Services, url: str) -> None:
    if await svc.domain_blocked(urlsplit(url).netloc):
        raise PostNotFound(f"{urlsplit(url).netloc} is blocked on this server")


async def _document(svc: Services, url: str) -> dict[str, Any]:
    """The document `url` names, its id checked. A page URL (Mastodon's /@user/ID) serves the
    Note under another id (/users/user/statuses/ID): as Mastodon's FetchResourceService does,
    that id is fetched once more with the strict check, and only that document is used. An
    HTML page is read for the document it links to, which is fetched the same way."""
    signer = await svc.instance_signer()
    try:
        return await svc.http.get_json(url, signer=signer)
    except BadContentType:
        named = await _alternate(svc, url)  # an HTML page pointing to its document
        if named is None:
            raise
    except BadDocument as strict:
        first = await svc.http.get_json(url, signer=signer, expect_id=False)
        named = first.get("id")
        # No id, or the URL's own id (the fetch went elsewhere): nothing to follow.
        if not isinstance(named, str) or ids_equal(named, url) or not named.startswith("http"):
            raise strict from None
    await _refuse_blocked(svc, named)
    return await svc.http.get_json(named, signer=signer)  # never the first one's content


async def _alternate(svc: Services, url: str) -> str | None:
    """The AS2 document an HTML page names (a `Link` header or `<link rel="alternate">`),
    other than the page itself; it is then fetched under the strict id check."""
    page = await svc.http.get_bytes(url, max_bytes=PAGE_BYTES, accept="text/html")
    named = alternate.from_header(page.headers.get("Link", ""), page.url)
    if named is None and b"<" in page.body:
        named = alternate.from_html(page.body.decode("utf-8", "replace"), page.url)
    if named is None or ids_equal(named, url) or not named.startswith(("https://", "http://")):
        return None
    return named
