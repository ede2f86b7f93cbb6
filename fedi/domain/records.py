"""The error of every read that finds nothing: no such account, post or notification, or none
the viewer may see (the client API answers both the same way, as Mastodon does)."""

from __future__ import annotations

from fedi.core.errors import UserError


class RecordNotFound(UserError):
    """Nothing with this id (or handle) that the viewer may see."""
