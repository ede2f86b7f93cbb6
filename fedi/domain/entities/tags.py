"""The Tag entity (docs.joinmastodon.org/entities/Tag) and the Search result that holds tags,
accounts and statuses (entities/Search)."""

from __future__ import annotations

import hashlib
from typing import Any

from fedi.core.services import Services
from fedi.domain.entities.accounts import accounts
from fedi.domain.entities.statuses import statuses, tag
from fedi.domain.search import Results
from storage.models import Account


def tag_id(name: str) -> str:
    """A hashtag's id: hashtags have no row of their own here (a post's tags are kept by
    name), so the id is a number derived from the name, the same every time."""
    digest = hashlib.sha256(name.lower().encode()).digest()
    return str(int.from_bytes(digest[:8], "big") >> 1)  # fits a signed 64-bit integer


def hashtag(svc: Services, name: str) -> dict[str, Any]:
    """A Tag: no usage history is counted (an empty list, as for a tag nobody used this week)
    and nobody follows or features tags here."""
    return {"id": tag_id(name), **tag(svc, name), "history": [], "following": False}


async def search_results(svc: Services, viewer: Account | None, found: Results) -> dict[str, Any]:
    """The Search entity."""
    return {
        "accounts": await accounts(svc, found.accounts),
        "statuses": await statuses(svc, viewer, found.statuses),
        "hashtags": [hashtag(svc, name) for name in found.hashtags],
    }
