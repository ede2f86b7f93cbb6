"""The SSRF guard: which addresses outbound requests may connect to, checked at connect time."""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

# Ranges that `is_global` lets through but that still reach inside someone's network:
# NAT64 prefixes (RFC 6052, RFC 8215) translate to IPv4 addresses chosen by the caller, and
# CGNAT (RFC 6598) is shared provider space.
_NOT_PUBLIC = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("2002::/16"),  # 6to4: checked through the embedded address below
    ipaddress.ip_network("fec0::/10"),  # deprecated site-local (RFC 3879), still routed inside
]


class AddressBlocked(OSError):
    """The destination address is not allowed (raised inside the connector)."""


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NOT_PUBLIC[0] or int(address) >> 32 == 0:
        # NAT64 well-known prefix, or the deprecated IPv4-compatible ::a.b.c.d (RFC 4291
        # 2.5.5.1): the last 32 bits are an IPv4 address.
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address that does not lead into a private network."""
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_v4(address)
        if embedded is not None:
            return False  # mapped, 6to4, Teredo and NAT64 forms are refused outright
    if any(address in network for network in _NOT_PUBLIC):
        return False
    return address.is_global and not address.is_multicast


def is_allowed(ip: str, *, allow_private: bool) -> bool:
    """Whether we may connect to `ip`: public addresses, or anything when private is allowed."""
    return allow_private or is_public_address(ip)


class GuardedResolver(AbstractResolver):
    """Resolves names, then drops every address we may not connect to."""

    def __init__(
        self, inner: AbstractResolver | None = None, *, allow_private: bool = False
    ) -> None:
        self._inner = inner or ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Addresses of `host` that pass the guard; raises AddressBlocked if none do."""
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if is_allowed(r["host"], allow_private=self._allow_private)]
        if not allowed:
            raise AddressBlocked(f"{host} resolves only to addresses we may not connect to")
        return allowed

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def literal_ip(host: str) -> str | None:
    """The host itself if it is an IP literal (aiohttp connects to those without resolving)."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
