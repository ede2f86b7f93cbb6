"""Remote actors change: Update(Person) refreshes the cached copy, from the actor's own server,
and only the actor itself may update it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account
from tests.support.inspect import handled, query
from tests.support.peer import Peer, PeerActor, deliver
from tests.support.servers import Server, wait_for


def _display_name(server: Server, actor: PeerActor) -> str | None:
    async def read(session: AsyncSession) -> str | None:
        return await session.scalar(select(Account.display_name).where(Account.uri == actor.id))

    return query(server.config, read)


def _update(actor: PeerActor, of: PeerActor, n: int) -> dict[str, object]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.id}#updates/{n}",
        "type": "Update",
        "actor": actor.id,
        "object": of.document(),
    }


async def test_update_person_refreshes_only_from_the_actor_itself(
    server: Server, remote: Peer
) -> None:
    mallory, trent = remote.actors["mallory"], remote.actors["trent"]
    inbox = f"{server.base}/inbox"
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{mallory.id}#follows/1",
        "type": "Follow",
        "actor": mallory.id,
        "object": f"{server.base}/users/alice",
    }
    assert await deliver(mallory, inbox, follow) == 202
    await asyncio.to_thread(wait_for, lambda: _display_name(server, mallory) == "Mallory")

    # Someone else claims mallory renamed herself: no effect, even though her server would
    # now say so if it were asked.
    mallory.display_name = "Mallory, renamed by trent"
    assert await deliver(trent, inbox, _update(trent, mallory, 1)) == 202
    await asyncio.to_thread(wait_for, lambda: handled(server.config, f"{trent.id}#updates/1"))
    assert await asyncio.to_thread(_display_name, server, mallory) == "Mallory"

    # Mallory's own Update: her document is fetched from her server and stored.
    mallory.display_name = "Mallory Q."
    assert await deliver(mallory, inbox, _update(mallory, mallory, 2)) == 202
    await asyncio.to_thread(wait_for, lambda: _display_name(server, mallory) == "Mallory Q.")
