"""`impasto like|unlike|boost|unboost NAME POST`: reacting to a post, here or remote."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fedi.cli.run import Subparsers
from fedi.cli.verbs import POST, Verb, add_verbs
from fedi.core.services import Services
from fedi.domain import actions
from fedi.domain.actions import Done
from storage.reactions import ANNOUNCE, LIKE

Reaction = Callable[[Services, str, str], Awaitable[Done]]


def _react(kind: str) -> Reaction:
    """Like (LIKE) or boost (ANNOUNCE) a post."""
    return lambda svc, name, post: actions.react(svc, name, post, kind)


def _undo(kind: str) -> Reaction:
    """Take a like or a boost back."""
    return lambda svc, name, post: actions.undo(svc, name, post, kind)


def _reacted(said: str) -> Callable[[Done, str], str]:
    """The line a reaction prints: the post, whether it was new, the activity."""

    def outcome(done: Done, _post: str) -> str:
        note = "" if done.new else f" (already {said})"
        return f"{said} {done.post.uri}{note}: {done.activity_id}"

    return outcome


VERBS = (
    Verb("like", "like a post, here or remote", POST, _react(LIKE), _reacted("liked")),
    Verb("unlike", "take back a like", POST, _undo(LIKE), _reacted("unliked")),
    Verb("boost", "boost a post, here or remote", POST, _react(ANNOUNCE), _reacted("boosted")),
    Verb("unboost", "take back a boost", POST, _undo(ANNOUNCE), _reacted("unboosted")),
)


def register(subparsers: Subparsers) -> None:
    """Add like, unlike, boost and unboost to the `impasto` parser."""
    add_verbs(subparsers, VERBS)
