"""Activities recorded from Mastodon, Pixelfed and GoToSocial, delivered to a running Impasto:
posts are stored sanitised with their content warnings, hashtags and images (as links, with alt
text and blurhash), mentions notify, likes and boosts are counted once, and Update, Undo and
Delete take effect.

The fake peer sends them as its own actors: the recorded author's URLs become the sender's,
and every other host's URLs move under the peer's origin, so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Account,
    Follow,
    ImageFetch,
    InboxActivity,
    MediaAttachment,
    Mention,
    Notification,
    Post,
    PostTag,
)
from tests.support.inspect import query
from tests.support.peer import Peer, PeerActor, activity, deliver
from tests.support.servers import Server, run_cli, wait_for

GOLDEN = Path(__file__).parents[2] / "activitypub" / "golden" / "activities"
AS2 = "application/activity+json"
# Vocabulary and context hosts stay as they are: `…#Public` addressing depends on it.
KEEP = {"www.w3.org", "w3id.org", "joinmastodon.org", "ostatus.org", "schema.org"}
KEEP |= {"pixelfed.org", "gotosocial.org"}
_URL = re.compile(r"https?://([A-Za-z0-9.-]+(?::\d+)?)")


def _sent_by(
    name: str, sender: PeerActor, author: str, peer: Peer, moved: dict[str, str] | None = None
) -> dict[str, Any]:
    """A golden activity as `sender` sends it: `author` becomes the sender, each URL in `moved`
    becomes its value, and other hosts' URLs are kept under the peer's origin."""
    text = (GOLDEN / name).read_text()
    replacements = {author: sender.id, **(moved or {})}
    for old in sorted(replacements, key=len, reverse=True):  # longer first: ids share prefixes
        text = text.replace(old, replacements[old])

    def under_peer(match: re.Match[str]) -> str:
        host = match.group(1)
        if host in KEEP or host.startswith("127.0.0.1"):
            return match.group(0)
        return f"{peer.base}/elsewhere/{host}"

    return dict(json.loads(_URL.sub(under_peer, text)))


async def _alice_post(server: Server) -> tuple[str, str, str]:
    """alice posts; returns her actor id, the post's Note id and its page URL."""
    page = (await asyncio.to_thread(run_cli, server.config, "post", "alice", "a red kite")).strip()
    note = await asyncio.to_thread(server.get, page.removeprefix(server.base), AS2)
    return str(note["attributedTo"]), str(note["id"]), page


def _outcome(server: Server, activity_id: str) -> tuple[str, str | None] | None:
    """The inbox row's state and error once the worker has dealt with it; None before."""

    async def read(session: AsyncSession) -> tuple[str, str | None] | None:
        row = (
            await session.execute(
                select(InboxActivity.state, InboxActivity.last_error).where(
                    InboxActivity.uri == activity_id
                )
            )
        ).one_or_none()
        return None if row is None or row[0] == "pending" else (row[0], row[1])

    return query(server.config, read)


async def _send(
    server: Server, sent: list[tuple[PeerActor, dict[str, Any]]], inbox: str = "/inbox"
) -> None:
    """Deliver each, signed by its sender, and wait until the inbox worker has handled it."""
    for sender, doc in sent:
        assert await deliver(sender, f"{server.base}{inbox}", doc) == 202, doc["id"]
    for _, doc in sent:
        outcome = await asyncio.to_thread(wait_for, lambda d=doc: _outcome(server, d["id"]))
        assert outcome == ("done", None), (doc["id"], outcome)


def _stored(server: Server, uri: str) -> tuple[Post, list[MediaAttachment]]:
    async def read(session: AsyncSession) -> tuple[Post, list[MediaAttachment]]:
        post = (await session.execute(select(Post).where(Post.uri == uri))).scalar_one()
        media = await session.execute(
            select(MediaAttachment)
            .where(MediaAttachment.post_id == post.id)
            .order_by(MediaAttachment.position)
        )
        return post, list(media.scalars())

    return query(server.config, read)


def _fetches_over(server: Server, media: list[MediaAttachment]) -> list[str] | None:
    """The states of the image copies of these media, once none is pending."""

    async def read(session: AsyncSession) -> list[str] | None:
        rows = await session.execute(
            select(ImageFetch.state).where(ImageFetch.media_id.in_([m.id for m in media]))
        )
        states = list(rows.scalars())
        return None if "pending" in states or len(states) < len(media) else states

    return query(server.config, read)


def _tags_and_mentions(server: Server, uri: str) -> tuple[list[str], list[str]]:
    """The hashtags of a stored post and the actor ids it mentions."""

    async def read(session: AsyncSession) -> tuple[list[str], list[str]]:
        post_id = select(Post.id).where(Post.uri == uri).scalar_subquery()
        tags = await session.execute(
            select(PostTag.name).where(PostTag.post_id == post_id).order_by(PostTag.name)
        )
        mentioned = await session.execute(
            select(Account.uri)
            .join(Mention, Mention.account_id == Account.id)
            .where(Mention.post_id == post_id)
        )
        return list(tags.scalars()), list(mentioned.scalars())

    return query(server.config, read)


def _notifications(server: Server, account_uri: str) -> list[tuple[str, str, str | None]]:
    """(kind, who, which post) of each notification of the account, oldest first."""

    async def read(session: AsyncSession) -> list[tuple[str, str, str | None]]:
        stmt = (
            select(Notification.kind, Account.uri, Post.uri)
            .join(Account, Account.id == Notification.from_account_id)
            .outerjoin(Post, Post.id == Notification.post_id)
            .where(
                Notification.account_id
                == select(Account.id).where(Account.uri == account_uri).scalar_subquery()
            )
            .order_by(Notification.id)
        )
        return [(kind, who, post) for kind, who, post in await session.execute(stmt)]

    return query(server.config, read)


async def _follow(server: Server, remote: Peer, followed: PeerActor) -> None:
    """alice follows a peer actor, who accepts."""
    handle = f"{followed.name}@127.0.0.1:{remote.port}"
    await asyncio.to_thread(run_cli, server.config, "follow", "alice", handle)

    def sent_follow() -> dict[str, Any] | None:
        follows = (r.json for r in remote.received if r.json["type"] == "Follow")
        return next((doc for doc in follows if doc["object"] == followed.id), None)

    follow = await asyncio.to_thread(wait_for, sent_follow)
    await _send(server, [(followed, activity("Accept", followed, follow, 1))])

    async def state(session: AsyncSession) -> str | None:
        target = select(Account.id).where(Account.uri == followed.id).scalar_subquery()
        return await session.scalar(select(Follow.state).where(Follow.target_id == target))

    assert await asyncio.to_thread(query, server.config, state) == "accepted"


async def test_recorded_posts_are_stored_as_their_authors_meant(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    peggy = remote.add_actor("peggy")  # nobody here follows her: her replies to alice count
    alice, alice_post, _ = await _alice_post(server)
    for followed in (mallory, trent):  # so their image posts are kept, as Mastodon would
        await _follow(server, remote, followed)

    # Three replies to alice's post that mention her, as Mastodon, GoToSocial and Pixelfed
    # send them (GoToSocial and Pixelfed: one `Mention` tag as an object, not a list).
    reply = _sent_by(
        "mastodon_create_reply_mention.json",
        mallory,
        "https://mastodon.madrid/users/felix",
        remote,
        {
            "https://mamot.fr/users/retiolus/statuses/107224244380204526": alice_post,
            "https://mamot.fr/users/retiolus": alice,
        },
    )
    gts_reply = _sent_by(
        "gotosocial_create_reply_mention.json",
        peggy,
        "http://localhost:8080/users/admin",
        remote,
        {
            "http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY": (
                alice_post
            ),
            "http://localhost:8080/users/the_mighty_zork": alice,
        },
    )
    pixelfed_reply = _sent_by(
        "pixelfed_create_reply_mention.json",
        peggy,
        "https://pixelfed.social/users/mczachurski",
        remote,
        {
            "https://gram.social/p/Alice/650350850687790456": alice_post,
            "https://gram.social/users/Alice": alice,
        },
    )
    hashtags = _sent_by(
        "mastodon_create_hashtags_image.json",
        mallory,
        "https://mastodon.social/users/mczachurski",
        remote,
    )
    images = _sent_by(  # the same note id as `hashtags`: sent by trent, so a note of his
        "mastodon_create_multi_image.json",
        trent,
        "https://mastodon.social/users/mczachurski",
        remote,
    )
    cw = _sent_by(
        "mastodon_create_cw.json", mallory, "http://fossbros-anonymous.io/users/foss_satan", remote
    )
    pixelfed = _sent_by(
        "pixelfed_create_multi_image.json",
        mallory,
        "https://pixelfed.social/users/mczachurski",
        remote,
    )
    gts = _sent_by(
        "gotosocial_create_images_cw.json",
        mallory,
        "http://localhost:8080/users/the_mighty_zork",
        remote,
    )
    await _send(
        server,
        [
            (mallory, reply),
            (peggy, gts_reply),
            (peggy, pixelfed_reply),
            (mallory, hashtags),
            (trent, images),
            (mallory, cw),
            (mallory, pixelfed),
            (mallory, gts),
        ],
    )

    # The replies: stored as replies to alice's post, each mentioning her, each one reply
    # notification (not a second, mention one; the API shows it as Mastodon's "mention").
    # Mastodon's has Public only in
    # `cc`: unlisted, as Mastodon reads (and addresses) one.
    for doc, visibility in ((reply, "unlisted"), (gts_reply, "public"), (pixelfed_reply, "public")):
        post, media = await asyncio.to_thread(_stored, server, doc["object"]["id"])
        assert (post.in_reply_to_uri, post.visibility, media) == (alice_post, visibility, [])
        assert await asyncio.to_thread(_tags_and_mentions, server, doc["object"]["id"]) == (
            [],
            [alice],
        )
    assert sorted(await asyncio.to_thread(_notifications, server, alice)) == sorted(
        [
            ("reply", mallory.id, reply["object"]["id"]),
            ("reply", peggy.id, gts_reply["object"]["id"]),
            ("reply", peggy.id, pixelfed_reply["object"]["id"]),
        ]
    )
    # Mastodon's mention link is kept, with our `rel`; the language is its contentMap's key.
    post, _ = await asyncio.to_thread(_stored, server, reply["object"]["id"])
    assert post.language == "en"
    assert 'class="h-card"' in post.content_html and 'class="u-url mention"' in post.content_html
    assert f'href="{remote.base}/elsewhere/mamot.fr/@retiolus"' in post.content_html
    assert 'rel="nofollow noopener noreferrer"' in post.content_html
    assert "disappointed by a thinkpad" in post.content_html
    post, _ = await asyncio.to_thread(_stored, server, gts_reply["object"]["id"])
    assert (post.spoiler_text, post.sensitive) == ("", False)  # GoToSocial's `summary: ""`
    assert "welcome to the instance!" in post.content_html

    # Hashtags are stored by name, lower case, as the `Hashtag` tags name them. Public in
    # `to` is public; GoToSocial's post to followers only (a plain string `to`) is private.
    five = ["gdansk", "krakow", "london", "prague", "wroclaw"]
    pixelfed_tags = ["colorphotography", "streetphotography"]
    for doc, names, visibility in (
        (hashtags, five, "public"),
        (images, five, "public"),
        (pixelfed, pixelfed_tags, "public"),
        (cw, [], "public"),
        (gts, [], "private"),
    ):
        post, _ = await asyncio.to_thread(_stored, server, doc["object"]["id"])
        assert post.visibility == visibility, doc["id"]
        tags = await asyncio.to_thread(_tags_and_mentions, server, doc["object"]["id"])
        assert tags == (names, []), doc["id"]

    # Several images: links to the originals, in order, with alt text, blurhash and size.
    post, media = await asyncio.to_thread(_stored, server, images["object"]["id"])
    assert [m.remote_url for m in media] == [a["url"] for a in images["object"]["attachment"]]
    assert [m.media_type for m in media] == ["image/png", "image/jpeg", "image/jpeg"]
    assert [m.description[:15] for m in media] == ["Screenshot from", "The KDE dragons", ""]
    assert [m.blurhash for m in media] == [
        "U48NqcIA9ZX8t8axofs,0JRjxat7D$t8xuIU",
        "USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc",
        "UFFEQHH?5QXT^R#+X8I;0yS#S$ofJ7J8nit6",
    ]
    assert [(m.width, m.height) for m in media] == [(2200, 1384), (1500, 1095), (512, 512)]
    # The peer has no such files: each copy is given up (404) and the images stay links.
    fetches = await asyncio.to_thread(wait_for, lambda: _fetches_over(server, media))
    assert fetches == ["failed"] * 3
    post, media = await asyncio.to_thread(_stored, server, images["object"]["id"])
    assert [m.file_name for m in media] == [None] * 3
    assert 'class="mention hashtag"' in post.content_html
    assert "#<span>Prague</span>" in post.content_html

    # Mastodon's edit of the hashtags post: the stored text becomes the edited one; its image
    # (the same URL) and its tags stay.
    edit = _sent_by(
        "mastodon_update_note.json",
        mallory,
        "https://mastodon.social/users/mczachurski",
        remote,
    )
    assert edit["object"]["id"] == hashtags["object"]["id"]
    added = "<p>Edit: the photos from Kraków are ready first.</p>"
    before, [image] = await asyncio.to_thread(_stored, server, hashtags["object"]["id"])
    assert added not in before.content_html and before.updated_at is None
    await _send(server, [(mallory, edit)])
    post, media = await asyncio.to_thread(_stored, server, hashtags["object"]["id"])
    assert post.content_html.endswith(added)
    assert post.content_html.removesuffix(added) == before.content_html
    assert post.updated_at is not None
    assert post.updated_at.isoformat().startswith("2023-09-03T11:42:17")
    assert [(m.id, m.remote_url, m.description) for m in media] == [
        (image.id, image.remote_url, image.description)
    ]
    assert await asyncio.to_thread(_tags_and_mentions, server, hashtags["object"]["id"]) == (
        five,
        [],
    )

    # Pixelfed's edit of its reply to alice, its tags in one object (SOURCES.md): the new
    # hashtag and mention are read from its numbered keys; alice is still mentioned, and
    # not told twice.
    pixelfed_edit = _sent_by(
        "pixelfed_update_reply_tags.json",
        peggy,
        "https://pixelfed.social/users/mczachurski",
        remote,
        {
            "https://gram.social/p/Alice/650350850687790456": alice_post,
            "https://gram.social/users/Alice": alice,
            "https://pixelfed.social/users/dansup": mallory.id,
        },
    )
    await _send(server, [(peggy, pixelfed_edit)])
    post, _ = await asyncio.to_thread(_stored, server, pixelfed_reply["object"]["id"])
    assert post.content_html.startswith("Extra colours! <a ") and "#film</a>" in post.content_html
    assert post.updated_at is not None
    assert post.updated_at.isoformat().startswith("2024-01-10T07:20:41")
    tags, mentioned = await asyncio.to_thread(
        _tags_and_mentions, server, pixelfed_reply["object"]["id"]
    )
    assert (tags, sorted(mentioned)) == (["film"], sorted([alice, mallory.id]))
    told = await asyncio.to_thread(_notifications, server, alice)
    assert told.count(("reply", peggy.id, pixelfed_reply["object"]["id"])) == 1

    # The content warning and the sensitive flag.
    post, _ = await asyncio.to_thread(_stored, server, cw["object"]["id"])
    assert post.spoiler_text == "reading: Punishment and Reward in the Corporate University"
    assert post.sensitive is True
    assert post.content_html.startswith("<p>&gt; So we have to examine critical thinking")

    # Pixelfed: the hashtag links and their classes are kept, their `rel` replaced by ours.
    post, media = await asyncio.to_thread(_stored, server, pixelfed["object"]["id"])
    assert [(m.media_type, m.blurhash is not None) for m in media] == [
        ("image/jpeg", True),
        ("image/jpeg", False),
    ]
    assert media[0].description.startswith("Stickers on the glass")
    assert 'class="u-url hashtag"' in post.content_html
    assert 'rel="external' not in post.content_html
    assert post.content_html.count("<a ") == 2

    # GoToSocial: the video is not kept; the GIF's alt text comes from `summary`.
    post, media = await asyncio.to_thread(_stored, server, gts["object"]["id"])
    assert (post.spoiler_text, post.sensitive) == ("eye contact, trent reznor gif, cow", False)
    assert [(m.media_type, m.description, m.blurhash) for m in media] == [
        ("image/gif", "90's Trent Reznor turning to the camera", "LCDRH758KOxsEMNxENEM9]}?aKxZ")
    ]

    # Mastodon's Delete with a Tombstone takes the reply, and alice's notification of it, away.
    delete = _sent_by(
        "mastodon_delete_tombstone.json",
        mallory,
        "https://mastodon.madrid/users/felix",
        remote,
        {"https://mastodon.madrid/users/felix/statuses/107773559874184870": reply["object"]["id"]},
    )
    await _send(server, [(mallory, delete)])
    post, _ = await asyncio.to_thread(_stored, server, reply["object"]["id"])
    assert post.deleted_at is not None and post.content_html == ""
    assert sorted(await asyncio.to_thread(_notifications, server, alice)) == sorted(
        [
            ("reply", peggy.id, gts_reply["object"]["id"]),
            ("reply", peggy.id, pixelfed_reply["object"]["id"]),
        ]
    )


def _counts(server: Server, note_id: str) -> tuple[int, int]:
    """Likes and boosts of a local post, as its Note's collections count them."""
    note = server.get(note_id.removeprefix(server.base), AS2)
    return int(note["likes"]["totalItems"]), int(note["shares"]["totalItems"])


async def test_recorded_likes_and_boosts_are_counted_once_and_undone(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    peggy = remote.add_actor("peggy")
    alice, alice_post, _ = await _alice_post(server)

    felix, lemmy_post = "https://mastodon.madrid/users/felix", "https://ds9.lemmy.ml/post/147"
    like = _sent_by("mastodon_like.json", mallory, felix, remote, {lemmy_post: alice_post})
    masto = "https://mastodon.social/users/TomaszSusul"
    to_alice = {f"{masto}/statuses/111305598148116184": alice_post, masto: alice}
    boost = _sent_by(
        "mastodon_announce.json",
        mallory,
        "https://mastodon.social/users/mczachurski",
        remote,
        to_alice,
    )
    zork = "http://localhost:8080/users/the_mighty_zork"
    gts_like = _sent_by(
        "gotosocial_like.json",
        trent,
        zork,
        remote,
        {
            "http://localhost:8080/users/admin/statuses/01F8MH75CBF9JFX4ZAD54N0W0R": alice_post,
            "http://localhost:8080/users/admin": alice,
        },
    )
    gts_boost = _sent_by(  # recorded as a self-boost, followers-only; here of alice's post
        "gotosocial_announce.json",
        trent,
        zork,
        remote,
        {f"{zork}/statuses/01FCTA44PW9H1TB328S9AQXKDS": alice_post},
    )
    pixelfed_like = _sent_by(  # Pixelfed likes a post by its ActivityPub id
        "pixelfed_like.json",
        peggy,
        "https://pixelfed.social/users/mczachurski",
        remote,
        {"https://gram.social/p/Alice/650350850687790456": alice_post},
    )
    await _send(
        server,
        [
            (mallory, like),
            (mallory, boost),
            (trent, gts_like),
            (trent, gts_boost),
            (peggy, pixelfed_like),
        ],
    )
    assert await asyncio.to_thread(_counts, server, alice_post) == (3, 2)
    reactions = [
        ("like", mallory.id, alice_post),
        ("boost", mallory.id, alice_post),
        ("like", trent.id, alice_post),
        ("boost", trent.id, alice_post),
        ("like", peggy.id, alice_post),
    ]
    assert sorted(await asyncio.to_thread(_notifications, server, alice)) == sorted(reactions)

    # Counted once: GoToSocial's and Pixelfed's activities again, now at alice's own inbox
    # (a retried delivery), and felix's second recorded Like (`#likes/212341`, the one his
    # Undo names): its own id, a post he already likes.
    again = [(trent, gts_like), (trent, gts_boost), (peggy, pixelfed_like)]
    await _send(server, again, "/users/alice/inbox")
    undo_like = _sent_by(
        "mastodon_undo_like.json", mallory, felix, remote, {lemmy_post: alice_post}
    )
    like_again = {"@context": like["@context"], **undo_like["object"]}
    assert like_again["id"] != like["id"] and like_again["object"] == alice_post
    await _send(server, [(mallory, like_again)])
    assert await asyncio.to_thread(_counts, server, alice_post) == (3, 2)
    assert sorted(await asyncio.to_thread(_notifications, server, alice)) == sorted(reactions)

    # Mastodon's Undo(Like) names the second Like; felix's like of the post goes (Mastodon
    # unfavourites by status). Its Undo(Announce) embeds the Announce it takes back.
    undo_boost = _sent_by(
        "mastodon_undo_announce.json",
        mallory,
        "https://mastodon.social/users/mczachurski",
        remote,
        to_alice,
    )
    assert undo_boost["object"]["id"] == boost["id"]
    await _send(server, [(mallory, undo_like), (mallory, undo_boost)])
    assert await asyncio.to_thread(_counts, server, alice_post) == (2, 1)
    assert sorted(await asyncio.to_thread(_notifications, server, alice)) == sorted(reactions[2:])


async def test_a_pixelfed_boost_naming_the_page_url_is_counted_once(
    server: Server, remote: Peer
) -> None:
    peggy = remote.add_actor("peggy")  # nobody here follows her
    alice, alice_post, alice_page = await _alice_post(server)
    # Pixelfed names the post it boosts by its web page URL, not its ActivityPub id.
    boost = _sent_by(
        "pixelfed_announce.json",
        peggy,
        "https://pixelfed.social/users/mczachurski",
        remote,
        {"https://mastodonapp.uk/@damianward/111322877716364793": alice_page},
    )
    assert boost["object"] == alice_page != alice_post
    await _send(server, [(peggy, boost)])
    await _send(server, [(peggy, boost)], "/users/alice/inbox")  # a retried delivery
    assert await asyncio.to_thread(_counts, server, alice_post) == (0, 1)
    assert await asyncio.to_thread(_notifications, server, alice) == [
        ("boost", peggy.id, alice_post)
    ]
