"""ActivityPub documents: actors, notes, activities, and their collections."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from quart import Blueprint, Response, abort, redirect, request
from sqlalchemy.ext.asyncio import AsyncSession
from werkzeug.wrappers.response import Response as WerkzeugResponse

from activitypub import objects
from fedi.core.services import INSTANCE_ACTOR
from fedi.domain.pins import pinned
from fedi.federation.as2.actors import actor_info
from fedi.federation.as2.notes import create, note, replies, tags_of
from fedi.web.helpers import activity_json, error, id_arg, services, wants_activity_json
from storage import accounts, deliveries, follows, posts, reactions
from storage.models import Account, Post

bp = Blueprint("objects", __name__)
PAGE_SIZE = 20


async def _account(username: str, *, suspended_too: bool = False) -> Account | None:
    """The local account (None if deleted: _gone_actor). One an admin suspended answers 403
    for all but its actor (`suspended_too`), as Mastodon: not 404 or 410, which would make
    other servers forget it, its posts and its follows, though the suspension may be lifted."""
    if username == INSTANCE_ACTOR:
        return None
    async with services().reads() as session:
        account = await accounts.local_account(session, username)
    if account is None or account.suspended_at:
        return None
    if account.suspended_since is not None and not suspended_too:
        abort(error(403, "this account is suspended"))
    return account


def _tombstone(object_id: str, former_type: str, deleted: datetime | None) -> Response:
    """410 Gone with a Tombstone, as Mastodon answers for deleted statuses and accounts."""
    doc = {"@context": objects.AS_CONTEXT, "id": object_id, "type": "Tombstone"}
    doc["formerType"] = former_type
    if deleted is not None:
        doc["deleted"] = objects.iso(deleted)
    return activity_json(doc, status=410)


async def _gone_actor(username: str) -> Response | None:
    """The Tombstone of a deleted local account, or None if it was never deleted."""
    svc = services()
    async with svc.reads() as session:
        account = await accounts.by_uri(session, svc.urls.actor(username))
    if account is None or not account.is_local or account.suspended_at is None:
        return None
    return _tombstone(account.uri, account.actor_type, account.suspended_at)


async def _gone_post(session: AsyncSession, username: str, post_id: int) -> Response | None:
    """The Tombstone of a deleted local post (or one of a deleted account), or None."""
    post = await posts.by_id(session, post_id)
    author = await session.get(Account, post.account_id) if post is not None else None
    if post is None or author is None or not author.is_local or author.username != username:
        return None
    return _tombstone(post.uri, "Note", post.deleted_at) if post.deleted_at else None


def _max_id() -> int | None:
    return id_arg("max_id")


def _page_id(collection: str, first: str) -> str:
    """This page's id, built from our public URL (not the Host header) and the query."""
    query = request.query_string.decode()
    return f"{collection}?{query or first}"


@bp.get("/users/<username>")
async def actor(username: str) -> Response | WerkzeugResponse:
    """The actor document (a minimal one while suspended), or the profile page for browsers."""
    account = await _account(username, suspended_too=True)
    if account is None:
        return await _gone_actor(username) or error(404, "no such account")
    if not wants_activity_json():
        return redirect(account.url or account.uri)
    return activity_json(objects.actor(actor_info(services(), account)))


@bp.get("/actor")
async def instance_actor() -> Response:
    """The instance actor (an Application) that signs our server-to-server fetches."""
    svc = services()
    async with svc.reads() as session:
        account = await accounts.local_account(session, INSTANCE_ACTOR)
    if account is None:
        return error(404, "no instance actor")
    return activity_json(objects.actor(actor_info(svc, account)))


@bp.get("/users/<username>/outbox")
async def outbox(username: str) -> Response:
    """The account's public posts as Create activities, newest first."""
    account = await _account(username)
    if account is None:
        return error(404, "no such account")
    svc = services()
    collection = f"{account.uri}/outbox"
    async with svc.reads() as session:
        total = await posts.count_public(session, account.id)
        if "page" not in request.args:
            return activity_json(
                objects.ordered_collection(collection, total, f"{collection}?page=true")
            )
        rows = await posts.public_page(session, account.id, limit=PAGE_SIZE, max_id=_max_id())
        media = await posts.media_of(session, [row.id for row in rows])
        counts = await reactions.counts(session, [row.id for row in rows])
        tags = await tags_of(session, [row.id for row in rows])
    items = [create(svc, account, row, media[row.id], counts[row.id], tags[row.id]) for row in rows]
    for item in items:
        item.pop("@context", None)
    next_page = f"{collection}?page=true&max_id={rows[-1].id}" if len(rows) == PAGE_SIZE else None
    page_id = _page_id(collection, "page=true")
    doc = objects.ordered_collection_page(
        page_id, collection, items, total=total, next_page=next_page
    )
    return activity_json(doc)


async def _relations(username: str, *, followers: bool) -> Response:
    account = await _account(username)
    if account is None:
        return error(404, "no such account")
    name = "followers" if followers else "following"
    collection = f"{account.uri}/{name}"
    async with services().reads() as session:
        total = await follows.count(session, account.id, followers=followers)
        if "page" not in request.args:
            return activity_json(
                objects.ordered_collection(collection, total, f"{collection}?page=1")
            )
        rows = await follows.page(
            session, account.id, followers=followers, limit=PAGE_SIZE, max_id=_max_id()
        )
    next_page = f"{collection}?page=1&max_id={rows[-1][0]}" if len(rows) == PAGE_SIZE else None
    page_id = _page_id(collection, "page=1")
    items = [uri for _, uri in rows]
    return activity_json(
        objects.ordered_collection_page(
            page_id, collection, items, total=total, next_page=next_page
        )
    )


@bp.get("/users/<username>/followers")
async def followers(username: str) -> Response:
    """Accepted followers, paged."""
    return await _relations(username, followers=True)


@bp.get("/users/<username>/following")
async def following(username: str) -> Response:
    """Accounts followed, paged."""
    return await _relations(username, followers=False)


@bp.get("/users/<username>/collections/featured")
async def featured(username: str) -> Response:
    """Pinned posts, newest pin first, as full Notes in `orderedItems` (as Mastodon serves)."""
    account = await _account(username)
    if account is None:
        return error(404, "no such account")
    svc = services()
    async with svc.reads() as session:
        rows = await pinned(session, account.id)
        media = await posts.media_of(session, [row.id for row in rows])
        counts = await reactions.counts(session, [row.id for row in rows])
        tags = await tags_of(session, [row.id for row in rows])
    items = [
        note(
            svc,
            account,
            row,
            media[row.id],
            counts=counts[row.id],
            tags=tags[row.id],
            with_context=False,
        )
        for row in rows
    ]
    doc = objects.ordered_collection(f"{account.uri}/collections/featured", len(items), None)
    doc["@context"] = objects.CONTEXT  # the Notes use its extensions (sensitive, blurhash)
    doc["orderedItems"] = items
    return activity_json(doc)


async def _own_post(
    session: AsyncSession, username: str, post_id: int
) -> tuple[Account, Post] | None:
    """A local account's post that is not deleted, with the account. Followers-only and
    direct posts are not published: they reach their audience by delivery only."""
    account = await _account(username)
    post = await posts.by_id(session, post_id)
    if account is None or post is None or post.account_id != account.id or post.deleted_at:
        return None
    if post.visibility not in posts.LISTED:
        return None
    return account, post


async def _published(
    username: str, post_id: int, *, as_create: bool
) -> Response | WerkzeugResponse:
    """A local post's Note, or the Create that published it (AS2); its page for browsers; the
    Tombstone of a deleted one."""
    svc = services()
    async with svc.reads() as session:
        found = await _own_post(session, username, post_id)
        if found is None:
            return await _gone_post(session, username, post_id) or error(404, "no such post")
        account, post = found
        media = (await posts.media_of(session, [post.id]))[post.id]
        counts = (await reactions.counts(session, [post.id]))[post.id]
        tags = (await tags_of(session, [post.id]))[post.id]
    if not wants_activity_json():
        return redirect(post.url or post.uri)
    if as_create:
        return activity_json(create(svc, account, post, media, counts, tags))
    return activity_json(note(svc, account, post, media, counts=counts, tags=tags))


@bp.get("/users/<username>/statuses/<int:post_id>")
async def status(username: str, post_id: int) -> Response | WerkzeugResponse:
    """A post's Note (AS2) or its page (HTML)."""
    return await _published(username, post_id, as_create=False)


@bp.get("/users/<username>/statuses/<int:post_id>/<any(likes, shares):which>")
async def status_reactions(username: str, post_id: int, which: str) -> Response:
    """How many liked or boosted a post (a Collection with totalItems, as Mastodon's)."""
    svc = services()
    async with svc.reads() as session:
        found = await _own_post(session, username, post_id)
        if found is None:
            return error(404, "no such post")
        _, post = found
        counts = (await reactions.counts(session, [post.id]))[post.id]
    kind = reactions.LIKE if which == "likes" else reactions.ANNOUNCE
    return activity_json(objects.counted_collection(f"{post.uri}/{which}", counts[kind]))


@bp.get("/users/<username>/statuses/<int:post_id>/replies")
async def status_replies(username: str, post_id: int) -> Response:
    """A post's replies (ids, local and remote), as Mastodon's `replies` Collection; with
    `page=true` one CollectionPage, `min_id` continuing after the last one seen."""
    async with services().reads() as session:
        found = await _own_post(session, username, post_id)
        if found is None:
            return error(404, "no such post")
        doc = await replies(
            session,
            found[1],
            page="page" in request.args,
            min_id=id_arg("min_id"),
        )
    return activity_json(doc)


@bp.get("/users/<username>/statuses/<int:post_id>/activity")
async def status_activity(username: str, post_id: int) -> Response | WerkzeugResponse:
    """The Create that published a post."""
    return await _published(username, post_id, as_create=True)


@bp.get("/users/<username>/activities/<kind>/<int:activity_id>")
async def other_activity(username: str, kind: str, activity_id: int) -> Response:
    """Follow, Accept, Undo … as we sent them. A Like or Announce stands while its reaction
    does: once undone (or its post or author deleted) it answers 410 Gone, so whoever re-fetches
    it to check an Undo sees it is gone; a deleted account's activities go too, but its Delete."""
    svc = services()
    uri = svc.urls.activity(username, kind, activity_id)
    async with svc.reads() as session:
        stored = await deliveries.activity_by_uri(session, uri)
        if stored is None:
            return error(404, "no such activity")
        author = await session.get(Account, stored.account_id)
        standing = stored.activity_type not in ("Like", "Announce")
        if not standing:
            standing = await reactions.by_uri(session, uri) is not None
    if stored.activity_type != "Delete" and (author is None or author.suspended_at):
        standing = False
    if author is not None and author.suspended_since is not None:
        return error(403, "this account is suspended")
    body = json.loads(stored.body)
    if _private(body):
        return error(404, "no such activity")
    if not standing:
        return _tombstone(uri, stored.activity_type, None)
    return activity_json(body)


def _private(activity: dict[str, Any]) -> bool:
    """A Block, or its Undo: told to the blocked account only, never published (as Mastodon);
    an Update of a followers-only or direct post: for its addressees only."""
    inner = activity.get("object")
    if activity.get("type") == "Update" and isinstance(inner, dict) and "to" in inner:
        audience = [*inner.get("to", []), *inner.get("cc", [])]
        return objects.PUBLIC not in audience
    return activity.get("type") == "Block" or (
        activity.get("type") == "Undo" and isinstance(inner, dict) and inner.get("type") == "Block"
    )
