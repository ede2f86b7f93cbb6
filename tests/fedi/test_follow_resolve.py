"""Following by handle: a handle's server may point at an actor on another server only when
that server confirms the handle (Mastodon's check), so nobody can put any account behind a name
of their choosing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from fedi.accounts import ensure_instance_actor
from fedi.follows import FollowError, resolve
from fedi.services import Services
from tests.support.peer import Peer, PeerActor


@pytest.fixture
async def instance(svc: Services) -> Services:
    await ensure_instance_actor(svc)  # fetches are signed by the instance actor
    return svc


@pytest.fixture
async def peer() -> AsyncIterator[Peer]:
    fake = await Peer().start()
    fake.add_actor("mallory")
    yield fake
    await fake.stop()


@pytest.fixture
async def front(peer: Peer) -> AsyncIterator[str]:
    """A WebFinger-only host on 127.0.0.2 that names mallory (on 127.0.0.1) as its alice."""

    async def webfinger(request: web.Request) -> web.Response:
        host = request.host
        doc = {
            "subject": f"acct:alice@{host}",
            "links": [
                {
                    "rel": "self",
                    "type": "application/activity+json",
                    "href": peer.actors["mallory"].id,
                }
            ],
        }
        return web.json_response(doc, content_type="application/jrd+json")

    app = web.Application()
    app.router.add_get("/.well-known/webfinger", webfinger)
    server = TestServer(app, host="127.0.0.2")
    await server.start_server()
    yield f"127.0.0.2:{server.port}"
    await server.close()


async def test_a_handle_on_another_domain_needs_the_actors_server_to_agree(
    instance: Services, peer: Peer, front: str
) -> None:
    mallory: PeerActor = peer.actors["mallory"]
    with pytest.raises(FollowError, match="does not confirm that handle"):
        await resolve(instance, f"alice@{front}")

    mallory.handle = f"alice@{front}"  # mallory's server now says alice@front is hers
    account = await resolve(instance, f"alice@{front}")
    assert account.uri == mallory.id


async def test_a_handle_on_the_actors_own_server_needs_no_second_lookup(
    instance: Services, peer: Peer
) -> None:
    account = await resolve(instance, f"mallory@127.0.0.1:{peer.port}")
    assert account.uri == peer.actors["mallory"].id
