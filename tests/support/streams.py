"""Reading the streaming API in tests: server-sent events through aiohttp."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Event:
    """One server-sent event (`comment` for a comment line such as ':thump')."""

    event: str
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


async def _events(response: aiohttp.ClientResponse) -> AsyncIterator[Event]:
    name, data = "", []
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if not line:
            if name or data:
                yield Event(name or "message", "\n".join(data))
            name, data = "", []
        elif line.startswith(":"):
            yield Event("comment", line[1:])
        else:
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)


class Sse:
    """An open SSE connection: `next(event)` waits for the next event of that name."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self._events = _events(response)

    async def next(
        self, event: str, where: Callable[[Event], bool] = lambda _: True, within: float = 20.0
    ) -> Event:
        """The next event of this name (and for which `where` holds); others are skipped."""
        async with asyncio.timeout(within):
            async for found in self._events:
                if found.event == event and where(found):
                    return found
        raise AssertionError(f"the stream ended before a {event!r} event")

    async def ended(self, within: float = 10.0) -> None:
        """Wait until the server ends the stream (AssertionError on an event meanwhile)."""
        async with asyncio.timeout(within):
            async for found in self._events:
                assert found.event == "comment", found


async def sse(
    http: aiohttp.ClientSession, url: str, token: str | None = None, **params: str
) -> Sse:
    """Open an SSE stream (200 expected) and read its first line."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.get(url, headers=headers, params=params)
    assert response.status == 200, (response.status, await response.text())
    assert response.headers["Content-Type"].startswith("text/event-stream")
    stream = Sse(response)
    await stream.next("comment")  # ':)' — the server is listening from now on
    return stream
