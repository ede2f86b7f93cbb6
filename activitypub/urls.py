"""URL helpers shared by the protocol code: origins and id comparison."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# A host whose last label is a number is read as an IPv4 address (WHATWG URL "ends in a
# number"): 2130706433, 127.1, 0x7f.1 and 0177.0.0.1 all reach 127.0.0.1 through getaddrinfo.
_NUMERIC = re.compile(r"[0-9]+|0x[0-9a-f]*")


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an absolute http(s) URL: lower-cased, default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    port = parts.port or _DEFAULT_PORTS[scheme]
    return scheme, parts.hostname.lower(), port


def same_origin(a: str, b: str) -> bool:
    """True when both URLs have the same scheme, host and port (False if either is malformed)."""
    try:
        return origin(a) == origin(b)
    except ValueError:
        return False


def normalize_id(url: str) -> str:
    """An id in canonical form: scheme and host lower-case, default port dropped."""
    parts = urlsplit(url)
    scheme, host, port = origin(url)
    netloc = host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" if port == _DEFAULT_PORTS[scheme] else f"[{host}]:{port}"
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    return f"{scheme}://{netloc}{rest}"


def ids_equal(a: str, b: str) -> bool:
    """Compare two object ids as parsed URLs (scheme/host case and default ports ignored)."""
    try:
        return normalize_id(a) == normalize_id(b)
    except ValueError:
        return False


def unfetchable(url: str) -> str | None:
    """Why `url` can never be fetched, or None if it may be: it must be absolute http(s) with
    a valid port and no user name or password, its host a DNS name, or an IP address written
    the one canonical way (no 2130706433, 127.1 or 0x7f.1, which resolvers and URL parsers
    read differently)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return "not an http(s) URL"
    if parts.username is not None or parts.password is not None:
        return "a user name or password in the URL"
    if port == 0:
        return "port 0"
    return _bad_host(parts.hostname)


def _bad_host(host: str) -> str | None:
    """Why `host` (lower-cased, no brackets) is no canonical name or address, or None."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{host!r} is not an IPv6 address"
        return f"{host!r} names a network interface" if "%" in host else None
    labels = host.removesuffix(".").split(".")
    if _NUMERIC.fullmatch(labels[-1]):
        try:
            canonical = str(ipaddress.IPv4Address(host))
        except ValueError:
            canonical = None
        return None if canonical == host else f"{host!r} is not an IPv4 address written canonically"
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"{host!r} is not a valid host name"
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return f"{host!r} is not a valid host name"
    return None
