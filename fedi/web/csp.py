"""The Content-Security-Policy: strict. Scripts, styles, images and live connections (the
pages' server-sent events) from ourselves only: no inline script, no third party."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

FORM_ACTION = "form-action 'self'"
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    f"connect-src 'self'; {FORM_ACTION}; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# A stored picture, opened on its own: nothing in it may run, load or frame it.
MEDIA_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def allowing_form_target(target: str) -> str:
    """The policy with `target`'s origin (or, for an app's own scheme, that scheme) allowed as
    a form's destination: a form that posts here and is then redirected there needs it, as
    browsers apply form-action to redirects too (Mastodon widens it so on its consent page).
    Anything that is not a clean origin adds nothing."""
    parts = urlsplit(target)
    source = ""
    if parts.scheme in ("http", "https") and parts.hostname:
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        if _HOST.match(host):
            port = f":{parts.port}" if parts.port else ""
            source = f" {parts.scheme}://{host}{port}"
    elif _SCHEME.match(parts.scheme) and parts.scheme.lower() not in ("http", "https"):
        source = f" {parts.scheme}:"
    return CSP.replace(FORM_ACTION, FORM_ACTION + source)
