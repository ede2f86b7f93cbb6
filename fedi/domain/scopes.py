"""OAuth scopes as Mastodon defines them (config/initializers/doorkeeper.rb and the
`doorkeeper_authorize!` lists of its controllers): what exists, and what implies what."""

from __future__ import annotations

from fedi.core.errors import UserError

READ = (
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
)
WRITE = (
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
)
# The old `follow` scope stands for these six (Mastodon accepts `follow` wherever one of them
# is asked for).
FOLLOW = (
    "read:follows",
    "read:blocks",
    "read:mutes",
    "write:follows",
    "write:blocks",
    "write:mutes",
)
# `profile` (Mastodon 4.3) only reads the user's own account: verify_credentials.
TOP = ("read", "write", "follow", "push", "profile")
KNOWN = frozenset((*TOP, *READ, *WRITE))
IMPLIED: dict[str, frozenset[str]] = {
    "read": frozenset(READ),
    "write": frozenset(WRITE),
    "follow": frozenset(FOLLOW),
}
DEFAULT = "read"  # Doorkeeper's default_scopes in Mastodon


class ScopeError(UserError):
    """A scope list names a scope that does not exist, or one the app may not ask for."""


def parse(text: str | None, *, default: str = DEFAULT) -> tuple[str, ...]:
    """Scopes from a space-separated string (`+` too, as some clients send), in order, once
    each; an empty string means `default`. Unknown scopes raise ScopeError."""
    words = (text or "").replace("+", " ").split() or default.split()
    unknown = sorted({word for word in words if word not in KNOWN})
    if unknown:
        raise ScopeError(f"unknown scope {', '.join(unknown)}")
    return tuple(dict.fromkeys(words))


def expand(scopes: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Every scope the given ones grant (`read` grants every `read:*`, and so on)."""
    granted = set(scopes)
    for scope in scopes:
        granted |= IMPLIED.get(scope, frozenset())
    return frozenset(granted)


def allows(granted: tuple[str, ...] | list[str], any_of: tuple[str, ...]) -> bool:
    """Whether a token with `granted` scopes may do what needs one of `any_of`."""
    return not expand(granted).isdisjoint(any_of)


def within(requested: tuple[str, ...], registered: tuple[str, ...]) -> bool:
    """Whether an app registered with `registered` may ask for `requested`: each one must be
    among those registered, word for word (Doorkeeper's check, which Mastodon uses)."""
    return set(requested) <= set(registered)


def describe(scope: str) -> str:
    """Words for the consent page."""
    if scope in DESCRIPTIONS:
        return DESCRIPTIONS[scope]
    verb, _, what = scope.partition(":")
    return f"{'See' if verb == 'read' else 'Change'} your {what.replace('_', ' ')}"


DESCRIPTIONS = {
    "read": "Read all your account's data",
    "write": "Change all your account's data",
    "follow": "Follow, block and mute accounts, and see whom you follow, block and mute",
    "push": "Receive push notifications",
    "profile": "See your profile information only",
}
