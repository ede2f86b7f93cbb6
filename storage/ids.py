"""Time-ordered 63-bit ids, like Mastodon's: sorting by id sorts by creation time."""

from __future__ import annotations

import secrets
import threading
import time

_lock = threading.Lock()
_last = 0


def new_id(at_ms: int | None = None) -> int:
    """A new unique id: epoch milliseconds in the high bits, 16 random/sequence bits low."""
    global _last
    millis = int(time.time() * 1000) if at_ms is None else at_ms
    candidate = (millis << 16) | secrets.randbits(16)
    with _lock:
        if at_ms is None and candidate <= _last:
            candidate = _last + 1
        _last = max(_last, candidate)
    return candidate
