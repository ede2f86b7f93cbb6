"""URL helpers shared by the protocol code: origins and id comparison."""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


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
