"""The base of errors a person caused and can fix: the CLI prints the message, the web shows it."""

from __future__ import annotations


class UserError(Exception):
    """An action cannot be done; the message says why, in words a user understands."""


class NothingToUndo(UserError):
    """Taking back what was not done (an unlike, unpin, unfollow or unblock of nothing): the
    CLI says so; the client API answers as if it were done, as Mastodon does."""


class PostNotFound(UserError):
    """No such post (or it cannot be fetched); the message says why."""
