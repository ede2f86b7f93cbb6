"""`impasto like|unlike|boost|unboost NAME POST`: reacting to a post, here or remote."""

from __future__ import annotations

from collections.abc import Callable

from fedi.cli.run import Subparsers
from fedi.cli.verbs import POST, Verb, add_verbs
from fedi.domain import reactions
from fedi.domain.reactions import Done


def _reacted(said: str) -> Callable[[Done, str], str]:
    """The line a reaction prints: the post, whether it was new, the activity."""

    def outcome(done: Done, _post: str) -> str:
        note = "" if done.new else f" (already {said})"
        return f"{said} {done.post.uri}{note}: {done.activity_id}"

    return outcome


VERBS = (
    Verb("like", "like a post, here or remote", POST, reactions.like, _reacted("liked")),
    Verb("unlike", "take back a like", POST, reactions.unlike, _reacted("unliked")),
    Verb("boost", "boost a post, here or remote", POST, reactions.boost, _reacted("boosted")),
    Verb("unboost", "take back a boost", POST, reactions.unboost, _reacted("unboosted")),
)


def register(subparsers: Subparsers) -> None:
    """Add like, unlike, boost and unboost to the `impasto` parser."""
    add_verbs(subparsers, VERBS)
