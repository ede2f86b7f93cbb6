"""The Context entity: a status's ancestors and descendants."""

from __future__ import annotations

from typing import Any

from fedi.core.services import Services
from fedi.domain.entities.statuses import statuses
from fedi.domain.threads import Thread
from storage.models import Account


async def context(svc: Services, viewer: Account | None, thread: Thread) -> dict[str, Any]:
    """Ancestors root first, descendants depth-first, as Mastodon orders them."""
    every = await statuses(svc, viewer, [*thread.ancestors, *thread.descendants])
    above = len(thread.ancestors)
    return {"ancestors": every[:above], "descendants": every[above:]}
