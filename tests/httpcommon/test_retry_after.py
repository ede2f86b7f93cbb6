"""Retry-After: delay-seconds or an HTTP date, anything else unreadable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from httpcommon import parse_retry_after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("30", 30.0),
        (" 30 ", 30.0),
        ("0", 0.0),
        ("-5", None),
        ("1.5", None),  # delay-seconds = 1*DIGIT
        ("inf", None),
        ("nan", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: retry now
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_a_future_date_is_the_seconds_until_then() -> None:
    when = datetime.now(UTC) + timedelta(hours=1)
    seconds = parse_retry_after(format_datetime(when, usegmt=True))
    assert seconds is not None and 3590 <= seconds <= 3600


def test_a_date_without_a_zone_is_taken_as_utc() -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    seconds = parse_retry_after(when.strftime("%a, %d %b %Y %H:%M:%S"))
    assert seconds is not None and 85 <= seconds <= 90
