"""Key lookups against a running server and a slow or failing origin: a burst of activities
from a server we do not know yet costs one fetch of its actor and is accepted whole; an origin
that does not answer for now gets a temporary failure (503), not a sticky "no such key"."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from tests.support.peer import Peer, PeerActor, activity
from tests.support.servers import Server

BURST = 100


@dataclass
class SlowOrigin(Peer):
    """A peer whose actor documents come late, or not at all; it counts the requests."""

    actor_delay: float = 0.0  # seconds before an actor document is answered
    actor_status: int | None = None  # answer this status instead of the document
    actor_gets: int = 0

    async def _actor(self, request: web.Request) -> web.Response:
        self.actor_gets += 1
        await asyncio.sleep(self.actor_delay)
        if self.actor_status is not None:
            return web.Response(status=self.actor_status)
        return await super()._actor(request)


@pytest.fixture
async def origin() -> AsyncIterator[SlowOrigin]:
    peer = SlowOrigin()
    await peer.start()
    peer.add_actor("mallory")
    yield peer
    await peer.stop()


async def _send(
    session: aiohttp.ClientSession, actor: PeerActor, inbox: str, doc: dict[str, object]
) -> tuple[int, str, str | None]:
    """POST `doc` signed by `actor`; status, body and Retry-After of the answer."""
    body = json.dumps(doc).encode()
    headers = {
        **actor.signer.sign("POST", inbox, body),
        "Content-Type": "application/activity+json",
    }
    async with session.post(inbox, data=body, headers=headers) as response:
        return response.status, await response.text(), response.headers.get("Retry-After")


def _like(actor: PeerActor, server: Server, n: int) -> dict[str, object]:
    return activity("Like", actor, f"{server.base}/users/alice/statuses/{n}", n)


async def test_a_burst_from_a_slow_new_server_costs_one_fetch_and_is_all_accepted(
    server: Server, origin: SlowOrigin
) -> None:
    """100 activities at once from an actor whose server answers in 3 s: every request waits
    for the same fetch of the actor (the tests' request timeout is 5 s)."""
    origin.actor_delay = 3.0
    mallory, inbox = origin.actors["mallory"], f"{server.base}/inbox"
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        answers = await asyncio.gather(
            *(_send(session, mallory, inbox, _like(mallory, server, n)) for n in range(BURST))
        )
    refused = [(status, text) for status, text, _ in answers if status != 202]
    assert refused == [], f"{len(refused)} refused, e.g. {refused[0]}"
    assert origin.actor_gets == 1


@pytest.mark.parametrize("failure", ["timeout", "server error", "connection refused"])
async def test_an_origin_failing_for_now_gets_a_temporary_answer_that_does_not_stick(
    failure: str, server: Server, origin: SlowOrigin
) -> None:
    """No answer in time, a 5xx or a refused connection says nothing about the key: 503 with
    Retry-After (senders retry a 5xx; Impasto's delivery gives up on a 401), and the retry made
    once the origin is back is accepted at once, not a minute later."""
    mallory, inbox = origin.actors["mallory"], f"{server.base}/inbox"
    if failure == "timeout":
        origin.actor_delay = 7.0  # past the server's 5 s request timeout
    elif failure == "server error":
        origin.actor_status = 502
    else:
        await origin.stop()
    like = _like(mallory, server, 1)
    async with aiohttp.ClientSession() as session:
        status, text, retry_after = await _send(session, mallory, inbox, like)
        assert status == 503, text
        assert "for now" in json.loads(text)["error"], text
        assert retry_after is not None and int(retry_after) > 0

        origin.actor_delay, origin.actor_status = 0.0, None
        if failure == "connection refused":
            await origin.start()
        status, text, _ = await _send(session, mallory, inbox, like)
        assert status == 202, text
