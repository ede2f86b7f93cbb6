"""What a user's apps save and read about them: reading positions (markers), and the
preferences apps start a post with (the posting defaults of the profile)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fedi.core.services import Services
from storage import markers
from storage.models import Account
from storage.user_models import Marker

# The timelines Mastodon keeps a marker for; others are ignored, as Mastodon ignores them.
MARKED = ("home", "notifications")
# Characters of a saved position (an id; Mastodon's are 64-bit integers as strings).
MAX_ID_CHARS = 64


async def markers_of(svc: Services, account: Account, timelines: Iterable[str]) -> list[Marker]:
    """The user's saved positions in these timelines (those saved)."""
    wanted = [name for name in dict.fromkeys(timelines) if name in MARKED]
    async with svc.reads() as session:
        return await markers.of(session, account.id, wanted)


async def save_markers(svc: Services, account: Account, read: Mapping[str, str]) -> list[Marker]:
    """Save the user's positions (timeline → last read id); those saved, each a version on."""
    saved = []
    async with svc.sessions.begin() as session:
        for timeline, last_read_id in read.items():
            if timeline in MARKED and last_read_id and len(last_read_id) <= MAX_ID_CHARS:
                saved.append(await markers.save(session, account.id, timeline, last_read_id))
    return saved
