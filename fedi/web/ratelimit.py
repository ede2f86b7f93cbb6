"""Fixed-window request counters, as Mastodon's Rack::Attack throttles count: a key may be
hit `limit` times in each window of `period` seconds, windows aligned to the epoch (so the
reset time is the same for every key of a rule).

The counters live in this process. With several server processes each counts alone, and a
client may make up to N times the limit; sharing them (the ROADMAP's scale item) means the
same counters in Redis: `INCR key:window` and `EXPIRE key:window period` per hit, read
back as the count. Memory is bounded: expired windows are swept, and past `max_keys` the
oldest keys are forgotten (a forgotten key starts its window afresh, which errs towards
letting a request through)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from quart import current_app


@dataclass(frozen=True)
class Verdict:
    """One hit counted: whether it is allowed, and what the X-RateLimit headers say."""

    limit: int
    remaining: int
    reset_at: float  # epoch seconds when the window ends

    @property
    def allowed(self) -> bool:
        """False once the window's hits exceed the limit."""
        return self.remaining >= 0


class Counters:
    """Counts of hits per key in the current window of each key's rule."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        self._max_keys = max_keys
        self._clock = clock
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, hits)

    def hit(self, key: str, limit: int, period: int) -> Verdict:
        """Count one hit of `key` under a rule of `limit` per `period` seconds."""
        window = int(self._clock() // period)
        seen_window, hits = self._counts.pop(key, (window, 0))
        hits = hits + 1 if seen_window == window else 1
        self._counts[key] = (window, hits)  # re-inserted: the dict stays in last-hit order
        self._bound(period)
        return Verdict(limit, limit - hits, (window + 1) * period)

    def peek(self, key: str, limit: int, period: int) -> Verdict:
        """What `key` has left, without counting a hit."""
        window = int(self._clock() // period)
        seen_window, hits = self._counts.get(key, (window, 0))
        return Verdict(limit, limit - (hits if seen_window == window else 0), (window + 1) * period)

    def _bound(self, period: int) -> None:
        if len(self._counts) <= self._max_keys:
            return
        now = self._clock()
        # Keys of a window that has ended (judged by this rule's period; a longer rule's
        # keys may go early, which only forgets counts).
        stale = [key for key, (window, _) in self._counts.items() if (window + 1) * period <= now]
        for key in stale:
            del self._counts[key]
        while len(self._counts) > self._max_keys:
            del self._counts[next(iter(self._counts))]

    def __len__(self) -> int:
        return len(self._counts)


def app_counters() -> Counters:
    """The app's counters (made on first use), shared by the API's throttle and the pages."""
    found: Counters | None = current_app.config.get("IMPASTO_RATE_COUNTERS")
    if found is None:
        found = current_app.config["IMPASTO_RATE_COUNTERS"] = Counters()
    return found
