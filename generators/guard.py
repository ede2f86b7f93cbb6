"""Where a model's output may be downloaded from: a connect-time address check for httpx.

The URL of a hosted model's output comes from the model's API, so it is not ours to trust: a
compromised or careless API could point it at the server's own network. Every connection the
downloader opens resolves the host itself and connects only to an allowed address, on every
redirect hop (ARCHITECTURE.md, "Outbound fetches"). The server lends its own rule (the one its
federation client uses, honouring `allow_private_addresses`) through `BackendContext`; without
one, only globally routable addresses are allowed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore
import httpx

AddressCheck = Callable[[str], bool]


class AddressNotAllowed(httpcore.ConnectError):
    """The host resolved only to addresses we may not connect to."""


def global_only(ip: str) -> bool:
    """The fallback rule: globally routable unicast addresses only."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks, then connects to the checked address (no second lookup to race)."""

    def __init__(self, allowed: AddressCheck) -> None:
        self._allowed = allowed
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first allowed address of `host`."""
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        for *_, sockaddr in infos:
            ip = str(sockaddr[0])
            if self._allowed(ip):
                return await self._inner.connect_tcp(
                    ip, port, timeout, local_address, socket_options
                )
        raise AddressNotAllowed(f"{host} is not at a public address")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: outputs come over TCP."""
        raise AddressNotAllowed("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """As the inner backend sleeps."""
        await self._inner.sleep(seconds)


def guarded_transport(allowed: AddressCheck) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection passes the address check."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx builds its connection pool without a way to choose the network backend; replace
    # the pool with an identical one that connects through the guard. TLS still verifies the
    # URL's host name (httpcore uses the origin's host for SNI and the certificate check).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_GuardedBackend(allowed),
    )
    return transport
