"""How Mastodon writes values in its entities: datetimes, dates, and the placeholder picture."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.timeutil import as_utc

# Shown where an account has no picture (Mastodon serves a `missing.png` the same way).
MISSING_IMAGE = "/static/missing.png"


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Mastodon writes datetimes
    (2019-12-08T03:48:33.901Z)."""
    when = as_utc(value).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def day(value: datetime) -> str:
    """The UTC date alone (2025-07-10), as Mastodon writes `last_status_at`."""
    return as_utc(value).astimezone(UTC).date().isoformat()


def midnight(value: datetime) -> str:
    """The datetime rounded down to its UTC day, as Mastodon gives an account's `created_at`."""
    when = as_utc(value).astimezone(UTC)
    return timestamp(when.replace(hour=0, minute=0, second=0, microsecond=0))
