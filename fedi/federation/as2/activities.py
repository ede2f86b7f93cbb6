"""The activities a local user sends, as AS2, shaped the way Mastodon sends them.

- Follow, and the followed account's Accept or Reject of it.
- Block (told to the blocked account only).
- Like goes to the post's author (Mastodon's FavouriteService); Announce is public, cc the
  author and the booster's followers (Mastodon's ReblogService).
- Undo embeds what it takes back.
- Update(Note) of an edited post; Add/Remove of a pinned post to the `featured` collection.
- Delete carries a Tombstone with the Note's id; an account's Delete names the actor itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from activitypub import objects
from fedi.core.services import Services
from storage.ids import new_id
from storage.models import Account, Block, Follow, Post
from storage.timeutil import utcnow


def _id(svc: Services, actor: Account, kind: str) -> str:
    """A fresh id of ours for an activity of `actor` (dereferenceable: see fedi.web)."""
    return svc.urls.activity(actor.username, kind, new_id())


def follow(row: Follow, follower: Account, target: Account) -> dict[str, Any]:
    """The Follow activity a follow row stands for."""
    return objects.activity("Follow", row.uri, follower.uri, target.uri)


def follow_answer(
    svc: Services, kind: str, row: Follow, follower: Account, target: Account
) -> dict[str, Any]:
    """The followed account's Accept or Reject (`kind`) of a Follow, told to the follower."""
    inner = follow(row, follower, target)
    return objects.activity(kind, _id(svc, target, kind), target.uri, inner, to=[follower.uri])


def block(row: Block, blocker: Account, target: Account) -> dict[str, Any]:
    """The Block activity a block row stands for."""
    return objects.activity("Block", row.uri, blocker.uri, target.uri, to=[target.uri])


def undo(
    svc: Services, actor: Account, activity: dict[str, Any], *, to: Sequence[str] = ()
) -> dict[str, Any]:
    """Undo(activity) by a local user, under a fresh activity id of ours."""
    return objects.activity("Undo", _id(svc, actor, "undo"), actor.uri, activity, to=to)


def undo_sent(svc: Services, actor: Account, original: dict[str, Any]) -> dict[str, Any]:
    """Undo of an activity we sent: it is embedded (without its @context) and the Undo goes
    to the same audience."""
    inner = {key: value for key, value in original.items() if key != "@context"}
    doc = undo(svc, actor, inner)
    for audience in ("to", "cc"):
        if audience in inner:
            doc[audience] = inner[audience]
    return doc


def like(svc: Services, actor: Account, author: Account, post: Post) -> dict[str, Any]:
    """A Like of a post, addressed to its author."""
    activity_id = _id(svc, actor, "like")
    return objects.activity("Like", activity_id, actor.uri, post.uri, to=[author.uri])


def announce(svc: Services, actor: Account, author: Account, post: Post) -> dict[str, Any]:
    """A boost: public, cc the post's author and the booster's followers."""
    activity_id = _id(svc, actor, "announce")
    doc = objects.activity("Announce", activity_id, actor.uri, post.uri, to=[objects.PUBLIC])
    followers = actor.followers_url or svc.urls.collection(actor.username, "followers")
    doc["cc"] = [author.uri, followers]
    doc["published"] = objects.iso(utcnow())
    return doc


def reaction_core(activity_type: str, uri: str, actor: Account, post: Post) -> dict[str, Any]:
    """The core of a Like or Announce we sent, rebuilt when what was sent was not stored."""
    return objects.activity(activity_type, uri, actor.uri, post.uri)


def update_note(svc: Services, author: Account, note: dict[str, Any]) -> dict[str, Any]:
    """Update(Note) of an edited local post, to the Note's own audience."""
    inner = {key: value for key, value in note.items() if key != "@context"}
    update = objects.activity(
        "Update", _id(svc, author, "update"), author.uri, inner, to=inner.get("to", [])
    )
    update["@context"] = objects.CONTEXT
    update["cc"] = inner.get("cc", [])
    return update


def update_actor(svc: Services, account: Account, actor_doc: dict[str, Any]) -> dict[str, Any]:
    """Update(Person) of a local account whose profile changed: public, to its followers (as
    Mastodon's ActivityPub::UpdateDistributionWorker), the whole actor document inside."""
    inner = {key: value for key, value in actor_doc.items() if key != "@context"}
    followers = account.followers_url or svc.urls.collection(account.username, "followers")
    update = objects.activity(
        "Update", _id(svc, account, "update"), account.uri, inner, to=[objects.PUBLIC]
    )
    update["@context"] = objects.CONTEXT
    update["cc"] = [followers]
    return update


def featured(svc: Services, kind: str, author: Account, post: Post) -> dict[str, Any]:
    """Add or Remove (`kind`) of a pinned post, with the `featured` collection as target (as
    Mastodon tells followers of a pin)."""
    doc = objects.activity(kind, _id(svc, author, kind), author.uri, post.uri, to=[objects.PUBLIC])
    doc["target"] = svc.urls.collection(author.username, "collections/featured")
    return doc


def delete_note(svc: Services, author: Account, post: Post) -> dict[str, Any]:
    """Delete of a local post: a Tombstone with the Note's id."""
    tombstone = {"id": post.uri, "type": "Tombstone"}
    return objects.activity(
        "Delete", _id(svc, author, "delete"), author.uri, tombstone, to=[objects.PUBLIC]
    )


def delete_actor(svc: Services, account: Account) -> dict[str, Any]:
    """Delete of a local account: its object is the actor itself (Mastodon's
    DeleteAccountService)."""
    return objects.activity(
        "Delete", _id(svc, account, "delete"), account.uri, account.uri, to=[objects.PUBLIC]
    )
