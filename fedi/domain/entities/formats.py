"""How Mastodon writes values in its entities: datetimes, dates, and the placeholder picture."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.timeutil import as_utc

# Shown where an account has no picture (Mastodon serves a `missing.png` the same way).
MISSING_IMAGE = "/static/missing.png"


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as Mastodon writes datetimes
    (2019-12-08T03:48:33.901Z)."""
    when = value.astimezone(UTC) if value.tzinfo not in (None, UTC) else value
    # isoformat without a zone, then "Z": a third of strftime's time, and a page has hundreds.
    return when.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def day(value: datetime) -> str:
    """The UTC date alone (2025-07-10), as Mastodon writes `last_status_at`."""
    return as_utc(value).astimezone(UTC).date().isoformat()


def midnight(value: datetime) -> str:
    """The datetime rounded down to its UTC day, as Mastodon gives an account's `created_at`."""
    when = as_utc(value).astimezone(UTC)
    return timestamp(when.replace(hour=0, minute=0, second=0, microsecond=0))
