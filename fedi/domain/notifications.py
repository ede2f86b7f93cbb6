"""A local user's notifications as plain records (the CLI prints them; the client API will
serve them in Mastodon's shape)."""

from __future__ import annotations

from typing import Any

from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from storage import notifications
from storage.models import Account


def _handle(account: Account, host: str) -> str:
    return f"{account.username}@{account.domain or host}"


async def listing(
    svc: Services, username: str, *, limit: int = 20, max_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first: id, type, who, the post concerned (if any) and when."""
    async with svc.reads() as session:
        account = await acting_user(session, username)
        rows = await notifications.page(session, account.id, limit=limit, max_id=max_id)
    host = svc.settings.instance.host
    return [
        {
            "id": str(row.id),
            "type": row.kind,
            "account": _handle(sender, host),
            "account_uri": sender.uri,
            "status": post.uri if post is not None else None,
            "created_at": row.created_at.isoformat(),
        }
        for row, sender, post in rows
    ]
