"""Posts from other servers: accepted when relevant, sanitised, and their images cached."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from activitypub.activities import Activity, ActivityError, RemoteNote, parse_note
from activitypub.urls import ids_equal, same_origin
from fedi.core.errors import PostNotFound
from fedi.core.services import Services
from fedi.core.settings import LimitsSettings
from fedi.domain.limits import cut_bytes
from fedi.federation.actors import get_actor
from fedi.federation.as2.notes import remix_source_in
from fedi.federation.sanitize import clean_html
from storage import early_deletes, image_cache, notifications, posts, stream_events
from storage.ids import new_id
from storage.models import Account, Follow, MediaAttachment, Mention, Post, PostTag
from storage.timeutil import utcnow

log = logging.getLogger(__name__)


async def object_of(svc: Services, activity: Activity) -> dict[str, Any]:
    """A Create's or Update's object: refused unless its id is on the actor's origin; taken as
    sent, or fetched from there when only its id came (a forwarded Create)."""
    if activity.object_id is None:
        raise ActivityError(f"{activity.type} without an object id")
    if not same_origin(activity.object_id, activity.actor):
        # Mastodon's `invalid_origin?(object_uri)`: refused before anything is fetched, or
        # anyone could make us fetch (and keep) whatever another server serves.
        raise ActivityError(f"the {activity.type}'s object is not on its actor's server")
    if activity.object is not None:
        return dict(activity.object)
    return await svc.http.get_json(activity.object_id, signer=await svc.instance_signer())


def _addresses_us(svc: Services, note: RemoteNote) -> bool:
    """A reply to us, a mention of us, or a remix of one of our posts (another Impasto sends
    a public remix to the server of the post it remixes: fedi.federation.audience)."""
    base = svc.urls.base
    if note.in_reply_to and same_origin(note.in_reply_to, base):
        return True
    remixed = remix_source_in(note.content_html)
    if remixed and same_origin(remixed, base):
        return True
    return any(same_origin(href, base) for href in note.mentions)


async def _followed(session: AsyncSession, author_ids: set[int]) -> set[int]:
    """Which of these remote accounts someone here follows."""
    stmt = (
        select(Follow.target_id)
        .join(Account, Account.id == Follow.follower_id)
        .where(
            Follow.target_id.in_(author_ids),
            Follow.state == "accepted",
            Account.domain.is_(None),
        )
    )
    return set((await session.execute(stmt)).scalars())


async def _replies_to_followed(session: AsyncSession, notes: list[RemoteNote]) -> set[str]:
    """Which of the posts these notes reply to are stored here, by an author someone here
    follows (Mastodon's `responds_to_followed_account?`: how a forwarded reply by a stranger
    reaches the followers of the account it answers). One query for the batch."""
    replied_to = {note.in_reply_to for note in notes if note.in_reply_to}
    if not replied_to:
        return set()
    follower = aliased(Account)
    stmt = (
        select(Post.uri)
        .join(Follow, Follow.target_id == Post.account_id)
        .join(follower, follower.id == Follow.follower_id)
        .where(
            Post.uri.in_(replied_to),
            Post.deleted_at.is_(None),
            Follow.state == "accepted",
            follower.domain.is_(None),
        )
        .distinct()
    )
    return set((await session.execute(stmt)).scalars())


async def _authors(svc: Services, uris: set[str]) -> dict[str, Account | Exception]:
    """The notes' authors: cached ones in one query, the others fetched one by one."""
    async with svc.reads() as session:
        rows = await session.execute(select(Account).where(Account.uri.in_(uris)))
        found: dict[str, Account | Exception] = {row.uri: row for row in rows.scalars()}
    for uri in uris - found.keys():
        try:
            found[uri] = await get_actor(svc, uri)
        except Exception as exc:  # reported for that author's notes only
            found[uri] = exc
    return found


async def _note_of(svc: Services, activity: Activity) -> RemoteNote:
    note = parse_note(await object_of(svc, activity))
    if not ids_equal(note.attributed_to, activity.actor):
        raise ActivityError("the Create's actor is not the object's author")
    return note


def _bounded_html(html: str, max_bytes: int) -> str:
    """Remote HTML sanitised and, past `max_bytes` bytes, cut off with "…" (and its open
    elements closed again by the sanitiser)."""
    clean = clean_html(html)
    kept, over = len(clean.encode()), len(clean.encode()) - max_bytes
    while over > 0:  # closing what the cut left open takes a few bytes more
        kept -= over
        clean = clean_html(cut_bytes(clean, kept))
        over = len(clean.encode()) - max_bytes
    return clean


def _new_post(
    note: RemoteNote, author: Account, limits: LimitsSettings
) -> tuple[Post, list[MediaAttachment]]:
    # Not refused for its length (Mastodon neither); kept up to [limits].
    post = Post(
        uri=note.id,
        url=note.url,
        account_id=author.id,
        local=False,
        visibility=visibility(note, author),
        content_html=_bounded_html(note.content_html, limits.remote_content_bytes),
        spoiler_text=cut_bytes((note.summary or "").strip(), limits.remote_content_bytes),
        sensitive=note.sensitive,
        in_reply_to_uri=note.in_reply_to,
        language=note.language,
    )
    if note.updated is not None:  # fetched or received after an edit
        post.updated_at = min(note.updated, utcnow())
    if note.published is not None:
        # As Mastodon does: the id carries the publishing time (never a future one), so
        # ordering and paging by id is chronological across servers.
        post.published_at = min(note.published, utcnow())
        post.id = new_id(at_ms=int(post.published_at.timestamp() * 1000))
    media = [
        MediaAttachment(
            account_id=author.id,
            position=index,
            remote_url=image.url,
            media_type=image.media_type,
            width=image.width,
            height=image.height,
            blurhash=image.blurhash,
            description=image.description[: limits.remote_alt_text_chars],
        )
        for index, image in enumerate(note.images)
    ]
    return post, media


def _author(authors: dict[str, Account | Exception], note: RemoteNote) -> Account:
    author = authors[note.attributed_to]
    assert isinstance(author, Account)
    return author


async def on_creates(svc: Services, activities: list[Activity]) -> list[Exception | None]:
    """Store a batch of remote notes (idempotent), then cache their images.

    Mastodon's rule decides what is kept: posts from accounts someone here follows, replies
    to us or to a post of an account followed here, and mentions of us (and remixes of our
    posts). One read for the
    authors, one for the follows and replies, and one write for the posts serve the whole
    batch. Returns, per activity, None or why it failed.
    """
    outcomes: list[Exception | None] = [None] * len(activities)
    notes: dict[int, RemoteNote] = {}
    for index, activity in enumerate(activities):
        try:
            notes[index] = await _note_of(svc, activity)
        except Exception as exc:  # this note's problem, not its neighbours'
            outcomes[index] = exc
    authors = await _authors(svc, {note.attributed_to for note in notes.values()})
    for index, note in list(notes.items()):
        author = authors[note.attributed_to]
        if isinstance(author, Exception):
            outcomes[index] = author
            del notes[index]
    async with svc.reads() as session:
        followed = await _followed(session, {_author(authors, n).id for n in notes.values()})
        answered = await _replies_to_followed(session, list(notes.values()))
    wanted = {
        index: note
        for index, note in notes.items()
        if _author(authors, note).id in followed
        or (note.in_reply_to or "") in answered
        or _addresses_us(svc, note)
    }
    try:
        media = await _store(svc, list(wanted.values()), authors)
    except Exception:
        # One note the database refuses must not sink the run: store them one by one.
        log.exception("storing %d notes together failed; one by one", len(wanted))
        media = []
        for index, note in wanted.items():
            try:
                media += await _store(svc, [note], authors)
            except Exception as exc:
                outcomes[index] = exc
    if media:
        svc.image_wakeup.set()  # fedi.workers.images fetches them
    return outcomes


async def store_fetched(svc: Services, note: RemoteNote) -> Post:
    """Store a note fetched from its origin (whoever wrote it), with its author; idempotent."""
    authors = await _authors(svc, {note.attributed_to})
    author = authors[note.attributed_to]
    if isinstance(author, Exception):
        raise author
    if await _store(svc, [note], authors):
        svc.image_wakeup.set()
    async with svc.reads() as session:
        post = await session.scalar(select(Post).where(Post.uri == note.id))
    if post is None:  # its Delete came first (storage.early_deletes)
        raise PostNotFound(f"{note.id} has been deleted")
    return post


async def _store(
    svc: Services, notes: list[RemoteNote], authors: dict[str, Account | Exception]
) -> list[MediaAttachment]:
    """Insert the posts not stored yet, in one transaction; returns their media.

    Another process may store the same note between our look and our insert (the inbox
    worker taking its Create while `impasto reply` fetches it): PostgreSQL then refuses the
    duplicate uri, and one more try finds the note stored. (SQLite's writes are serialised by
    BEGIN IMMEDIATE, so there the look and the insert are never split.)"""
    if not notes:
        return []
    try:
        return await _store_once(svc, notes, authors)
    except IntegrityError:
        log.info("a note of %d was stored meanwhile by another writer; again", len(notes))
        return await _store_once(svc, notes, authors)


async def _store_once(
    svc: Services, notes: list[RemoteNote], authors: dict[str, Account | Exception]
) -> list[MediaAttachment]:
    stored: list[MediaAttachment] = []
    async with svc.sessions.begin() as session:
        uris = [note.id for note in notes]
        stored_before = await session.execute(select(Post.uri).where(Post.uri.in_(uris)))
        existing = set(stored_before.scalars())
        existing |= await early_deletes.among(session, uris)  # deleted before they came
        new_posts: list[tuple[RemoteNote, Post]] = []
        for note in notes:
            if note.id in existing:
                continue
            existing.add(note.id)  # the same note twice in one batch
            post, media = _new_post(note, _author(authors, note), svc.settings.limits)
            session.add(post)
            await session.flush()
            for item in media:
                item.post_id = post.id
            session.add_all(media)
            stored.extend(media)
            new_posts.append((note, post))
            stream_events.record(session, stream_events.UPDATE, post.id, post.account_id)
        await _tag(session, new_posts)
        await mark_remixes(session, [post for _, post in new_posts])
        await _notify(session, new_posts)
        await image_cache.enqueue(session, stored)  # copies made by fedi.workers.images
    return stored


async def _tag(session: AsyncSession, new_posts: list[tuple[RemoteNote, Post]]) -> None:
    """Hashtags of new posts, and their mentions of accounts we have (local ones, and remote
    ones cached here: Mastodon fetches every mentioned account, we do not fetch for this)."""
    hrefs = {href for note, _ in new_posts for href in note.mentions}
    rows = await session.execute(select(Account.uri, Account.id).where(Account.uri.in_(hrefs)))
    known = {uri: account_id for uri, account_id in rows}
    for note, post in new_posts:
        names = dict.fromkeys(note.hashtags)
        session.add_all(PostTag(post_id=post.id, name=name) for name in names)
        mentioned = dict.fromkeys(known[href] for href in note.mentions if href in known)
        session.add_all(Mention(post_id=post.id, account_id=account_id) for account_id in mentioned)


async def mark_remixes(session: AsyncSession, remote: list[Post]) -> None:
    """Set `remix_of_uri` of remote posts whose "Remix of" paragraph (another Impasto's, see
    as2.notes.content_html) links one of our posts, so that post lists them as its remixes;
    None for the others (a link to a post elsewhere, or no such paragraph). One query."""
    claims = [(post, remix_source_in(post.content_html or "")) for post in remote]
    linked = {uri for _, uri in claims if uri}
    ours: set[str] = set()
    if linked:
        found = await session.scalars(
            select(Post.uri).where(Post.uri.in_(linked), Post.local.is_(True))
        )
        ours = set(found)
    for post, uri in claims:
        post.remix_of_uri = uri if uri in ours else None


async def _notify(session: AsyncSession, new_posts: list[tuple[RemoteNote, Post]]) -> None:
    """Replies to local users' posts and mentions of local users become notifications. A reply
    that also mentions its addressee (as replies do) is one notification, a reply (the client
    API shows it as a mention, as Mastodon has no other kind)."""
    mentioned = {href for note, _ in new_posts for href in note.mentions}
    replied_to = {note.in_reply_to for note, _ in new_posts if note.in_reply_to}
    local_accounts = await session.execute(
        select(Account.uri, Account.id).where(Account.uri.in_(mentioned), Account.domain.is_(None))
    )
    local_ids = {uri: account_id for uri, account_id in local_accounts}
    local_posts = await session.execute(
        select(Post.uri, Post.account_id).where(Post.uri.in_(replied_to), Post.local.is_(True))
    )
    authors_of = {uri: account_id for uri, account_id in local_posts}
    for note, post in new_posts:
        told = set()
        replied = authors_of.get(note.in_reply_to or "")
        if replied is not None:
            told.add(replied)
            await notifications.about_post(session, replied, notifications.REPLY, post)
        for href in note.mentions:
            if href in local_ids and local_ids[href] not in told:
                told.add(local_ids[href])
                await notifications.about_post(
                    session, local_ids[href], notifications.MENTION, post
                )


_PUBLIC = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")


def visibility(note: RemoteNote, author: Account) -> str:
    """Mastodon's reading of a note's audience: Public in `to` is public, in `cc` unlisted;
    the author's followers without Public is private (followers only); else direct."""
    if any(target in _PUBLIC for target in note.to):
        return "public"
    if any(target in _PUBLIC for target in note.cc):
        return "unlisted"
    if author.followers_url and author.followers_url in note.to + note.cc:
        return "private"
    return "direct"


def post_and_media(
    note: RemoteNote, author: Account, limits: LimitsSettings
) -> tuple[Post, list[MediaAttachment]]:
    """The post and media rows a note maps to (sanitised, cut to `limits`, in no session);
    for Update(Note)."""
    return _new_post(note, author, limits)


async def retag(session: AsyncSession, note: RemoteNote, post: Post) -> None:
    """Replace a stored post's hashtags and mentions with those of its edited note; local
    users the edit newly mentions are notified (as Mastodon and GoToSocial now do; one told
    of the post before, of a mention or a reply, is not told again)."""
    await session.execute(sql_delete(PostTag).where(PostTag.post_id == post.id))
    await session.execute(sql_delete(Mention).where(Mention.post_id == post.id))
    await _tag(session, [(note, post)])
    await session.flush()
    for account_id in await posts.local_mentions(session, post.id):
        await notifications.newly_mentioned(session, account_id, post)
