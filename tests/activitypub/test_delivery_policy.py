"""Retry policy: what is final, what is retried, and that we are at least as patient as Mastodon."""

from __future__ import annotations

import pytest

from activitypub.delivery import MAX_ATTEMPTS, backoff, judge_status, judge_transient


def test_sixteen_attempts_span_about_three_days() -> None:
    total = sum(backoff(attempt, jitter=False) for attempt in range(1, MAX_ATTEMPTS))
    mastodon = sum(attempt**4 + 15 for attempt in range(MAX_ATTEMPTS))  # Sidekiq's backoff
    assert MAX_ATTEMPTS == 16
    assert total >= mastodon
    assert 2.5 * 86400 <= total <= 3.5 * 86400


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (200, "delivered"),
        (202, "delivered"),
        (204, "delivered"),
        (400, "failed"),
        (401, "failed"),
        (403, "failed"),
        (404, "failed"),
        (410, "failed"),
        (422, "failed"),
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
    ],
)
def test_status_classification(status: int, action: str) -> None:
    assert judge_status(status, attempt=1).action == action


def test_retry_after_is_honoured_but_capped() -> None:
    assert judge_status(429, 1, retry_after=3600).delay >= 3600
    assert judge_status(503, 1, retry_after=10**9).delay <= 24 * 3600 + 100


def test_transient_errors_give_up_after_the_last_attempt() -> None:
    assert judge_transient("timeout", MAX_ATTEMPTS - 1).action == "retry"
    verdict = judge_transient("timeout", MAX_ATTEMPTS)
    assert verdict.action == "failed" and "gave up" in verdict.reason
