"""Deleting a local account, federated: a Delete whose object is the actor goes to every inbox
that knows it (Mastodon's DeleteAccountService does the same), then everything of it goes here.

The account row and its key stay, marked suspended, so that Delete can be signed and retried;
the actor URL then answers 410 with a Tombstone and WebFinger 404, as Mastodon answers for a
deleted account.
"""

from __future__ import annotations

import asyncio

from fedi.core.services import Services
from fedi.domain.accounts import acting_user
from fedi.federation.as2 import activities
from fedi.federation.outbox import queue
from fedi.media.files import remove_files
from storage import account_removal


async def delete_account(svc: Services, username: str) -> int:
    """Delete a local user: the Delete(actor) is queued, its data removed; returns how many
    inboxes the Delete goes to."""
    async with svc.sessions.begin() as session:
        account = await acting_user(session, username)
        inboxes = await account_removal.known_inboxes(session, account.id)
        doc = activities.delete_actor(svc, account)
        icon = account.icon_url
        files = await account_removal.erase(session, account.id)
        if icon and icon.startswith(svc.urls.media("")):
            files.append(icon.removeprefix(svc.urls.media("")))
        count = await queue(session, account, doc, inboxes)
    svc.delivery_wakeup.set()
    await asyncio.to_thread(remove_files, svc.media_dir, files)
    return count
