"""Time-ordered 63-bit ids, like Mastodon's: sorting by id sorts by creation time."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import datetime

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


# Ids are BIGINT columns: signed 64-bit on both SQLite and PostgreSQL.
MAX_ID = 2**63 - 1


def parse_id(text: str) -> int | None:
    """The id `text` spells in ASCII digits, or None if it spells none, or one no row can have
    (a larger number overflows the database's integer: SQLite raises, PostgreSQL refuses)."""
    if not text.isascii() or not text.isdigit() or len(text.lstrip("0")) > len(str(MAX_ID)):
        return None  # (the length first: int() refuses strings of over 4300 digits)
    value = int(text)
    return value if value <= MAX_ID else None


def first_id_at(when: datetime) -> int:
    """The smallest id made at or after `when`: ids from then on are >= it."""
    return int(when.timestamp() * 1000) << 16
