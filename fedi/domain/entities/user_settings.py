"""The Marker and Preferences entities (docs.joinmastodon.org/entities/Marker, /Preferences)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fedi.domain.entities.formats import timestamp
from storage.models import Account
from storage.user_models import Marker


def markers(rows: Iterable[Marker]) -> dict[str, Any]:
    """Markers as Mastodon answers them: a hash from timeline name to Marker."""
    return {
        row.timeline: {
            "last_read_id": row.last_read_id,
            "version": row.version,
            "updated_at": timestamp(row.updated_at),
        }
        for row in rows
    }


def preferences(account: Account) -> dict[str, Any]:
    """The Preferences entity: the posting defaults of the profile; reading ones as
    Mastodon's defaults (no setting for them here)."""
    return {
        "posting:default:visibility": account.default_privacy,
        "posting:default:sensitive": account.default_sensitive,
        "posting:default:language": account.default_language or None,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
