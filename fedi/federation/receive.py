"""Receiving one inbox POST: verify the signature, check the envelope, store once.

Framework-free, so the ASGI front (`fedi.web.inbox_asgi`) and the Quart routes share it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import String

from activitypub.activities import Activity, ActivityError, parse_activity
from activitypub.http import BadDocument, parse_json
from activitypub.signatures import KeyUnavailable, SignatureError, UnknownKey, verify_request
from activitypub.urls import ids_equal, same_origin
from fedi.core.services import INSTANCE_ACTOR, Services
from fedi.federation.actors import fetch_key
from storage import accounts
from storage import inbox as inbox_rows
from storage.models import InboxActivity
from storage.trouble import trouble

log = logging.getLogger(__name__)
# How long a sender is asked to wait (Retry-After, RFC 9110 §10.2.3) when the database is in
# trouble: it keeps the activity and tries again, as Mastodon does after any 5xx.
RETRY_AFTER = 60


@dataclass(frozen=True)
class Answer:
    """What to tell the sender: 202, a 4xx with the reason, or 503 and when to try again."""

    status: int
    reason: str | None = None
    retry_after: int | None = None  # seconds


def unavailable(svc: Services, exc: BaseException) -> Answer | None:
    """503 with Retry-After when `exc` is database trouble (read-only, full, locked,
    unreachable), the cause logged in one line; None for anything else."""
    found = trouble(exc)
    if found is None:
        return None
    log.warning("answering 503: %s", found.describe(svc.settings.database.url))
    return Answer(503, "the database is unavailable for now; try again later", RETRY_AFTER)


# The sizes of the columns the envelope is stored in.
def _length(column: str) -> int:
    column_type = InboxActivity.__table__.c[column].type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


_LIMITS = {"id": _length("uri"), "type": _length("activity_type"), "actor": _length("actor_uri")}


def _unstorable(activity_id: str, activity_type: str, actor: str) -> str | None:
    """Why the envelope cannot be stored as it is (lone surrogates, NUL, over-long), or None.

    Checked before the group commit: one such row would fail the whole batch it shares."""
    for name, value in (("id", activity_id), ("type", activity_type), ("actor", actor)):
        if len(value) > _LIMITS[name]:
            return f"the activity's {name} is longer than {_LIMITS[name]} characters"
        if "\x00" in value:
            return f"the activity's {name} contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"the activity's {name} is not valid Unicode"
    return None


def _is_farewell(body: bytes) -> bool:
    """True for Delete(actor) by that same actor."""
    try:
        activity = parse_activity(parse_json(body))
    except (BadDocument, ActivityError):
        return False
    return (
        activity.type == "Delete"
        and activity.object_id is not None
        and ids_equal(activity.object_id, activity.actor)
    )


def _distrusted(payload: dict[str, Any], activity: Activity) -> dict[str, Any] | None:
    """A forwarded Create (its object id on its actor's origin, as its id is for every
    activity parsed), its object reduced to its id; None for anything else.

    Mastodon forwards replies to a thread's followers signed with the forwarding server's key
    (it cannot sign for the reply's author). Without the author's signature the embedded
    object proves nothing, so only its id is kept: the worker fetches the note from its origin
    and drops it unless the fetched note has that id and the Create's actor as its author."""
    if activity.type != "Create" or activity.object_id is None:
        return None
    if not same_origin(activity.object_id, activity.actor):
        return None  # nor notes for them (Mastodon's invalid_origin?): nothing to fetch
    return {**payload, "object": activity.object_id}


async def is_user_inbox(svc: Services, username: str) -> bool:
    """Whether /users/<username>/inbox belongs to a local user (not the instance actor)."""
    if username == INSTANCE_ACTOR:
        return False
    async with svc.reads() as session:
        return await accounts.local_account(session, username) is not None


def too_large(svc: Services, size: int | None) -> Answer | None:
    """413 when a (declared or read) body size is over the inbox limit."""
    limit = svc.settings.federation.max_inbox_bytes
    if size is not None and size > limit:
        return Answer(413, f"body larger than {limit} bytes")
    return None


async def receive(
    svc: Services, *, method: str, target: str, headers: Mapping[str, str], body: bytes
) -> Answer:
    """Verify and store one activity; `headers` has lower-case names, `target` path and query."""
    fed = svc.settings.federation
    try:
        verified = await verify_request(
            method=method,
            target=target,
            headers=headers,
            body=body,
            expected_host=svc.settings.instance.host,
            lookup_key=functools.partial(svc.keys.lookup, fetch=functools.partial(fetch_key, svc)),
            max_skew=timedelta(seconds=fed.signature_max_skew),
        )
    except KeyUnavailable as exc:
        # Its server did not answer, or failed: that says nothing about the key. Senders
        # retry a 5xx later, while Impasto's own delivery gives up on a 401
        # (activitypub/delivery.py), as it should for a key that is really unknown.
        return Answer(503, exc.reason, retry_after=exc.retry_after)
    except UnknownKey as exc:
        if _is_farewell(body):
            # A deleted account says goodbye to every server it knew; its key is gone with it
            # (410), and we know nothing of it to delete. Mastodon answers these with 2xx too,
            # or the sender would retry for days.
            return Answer(202)
        return Answer(401, f"unauthorized: {exc.reason}")
    except SignatureError as exc:
        return Answer(401, f"unauthorized: {exc.reason}")
    try:
        payload = parse_json(body)
        activity = parse_activity(payload)
    except BadDocument as exc:
        return Answer(400, f"malformed JSON: {exc.reason}")
    except ActivityError as exc:
        return Answer(400, exc.reason)
    if await svc.domain_blocked(urlsplit(activity.actor).netloc):
        return Answer(403, "this server does not accept activities from your domain")
    stored_id = activity.id
    if not ids_equal(verified.owner, activity.actor):
        forwarded = _distrusted(payload, activity)
        if forwarded is None:
            return Answer(
                401, f"signed by {verified.owner}, but the activity's actor is {activity.actor}"
            )
        payload = forwarded
        # Deduplicated apart from what the actor's own server sends: a forger who forwards a
        # bogus Create under a real activity's id (before it exists) must not make us drop
        # the real one as a duplicate.
        stored_id = f"forwarded:{activity.id}"
    unstorable = _unstorable(stored_id, activity.type, activity.actor)
    if unstorable is not None:
        return Answer(400, unstorable)
    await svc.inbox_writer.store(
        inbox_rows.Received(stored_id, activity.type, activity.actor, payload)
    )
    svc.inbox_wakeup.set()
    return Answer(202)
