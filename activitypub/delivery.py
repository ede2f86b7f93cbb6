"""Delivery retry policy: which answers are final and how long to wait before trying again."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Mastodon retries a delivery 16 times with Sidekiq's backoff (attempt**4 + 15 + jitter
# seconds), about 2 days in all; ours is at least as patient: about 3 days over 16 attempts.
MAX_ATTEMPTS = 16
MAX_RETRY_AFTER = 24 * 3600.0


def backoff(attempt: int, *, jitter: bool = True) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    base = 30.0 + 1.5 * attempt**4
    return base + (random.uniform(0, 10 * attempt) if jitter else 0.0)  # noqa: S311


@dataclass(frozen=True)
class Verdict:
    """What to do after an attempt: done, retry (after `delay` seconds), or give up."""

    action: str  # "delivered" | "retry" | "failed"
    delay: float = 0.0
    reason: str = ""


def judge_status(
    status: int, attempt: int, retry_after: float | None = None, max_attempts: int = MAX_ATTEMPTS
) -> Verdict:
    """Classify an HTTP answer to a delivery POST."""
    if 200 <= status < 300:
        return Verdict("delivered")
    if status == 429 or status >= 500 or status == 408:
        return judge_transient(f"HTTP {status}", attempt, retry_after, max_attempts)
    # 410 Gone (the actor was deleted) and any other 4xx: retrying will not help.
    return Verdict("failed", reason=f"HTTP {status}")


def judge_transient(
    reason: str, attempt: int, retry_after: float | None = None, max_attempts: int = MAX_ATTEMPTS
) -> Verdict:
    """A timeout, connection error, 5xx or 429: retry with backoff until attempts run out."""
    if attempt >= max_attempts:
        return Verdict("failed", reason=f"{reason}; gave up after {attempt} attempts")
    delay = backoff(attempt)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return Verdict("retry", delay=delay, reason=reason)
