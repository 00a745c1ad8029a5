"""Retries of provider calls: which errors are retried, how often, and how long the waits are."""

from __future__ import annotations

import pytest

from azora.payments.adapters.base import ProviderError
from azora.payments.adapters.retry import RetryPolicy


class Flaky:
    def __init__(self, failures: list[ProviderError]) -> None:
        self.failures = list(failures)
        self.attempts = 0

    def __call__(self) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def test_retryable_errors_are_retried_until_success() -> None:
    delays: list[float] = []
    operation = Flaky([ProviderError("503", retryable=True, status=503), ProviderError("429", retryable=True)])
    assert RetryPolicy(sleep=delays.append, jitter=lambda: 1.0).call(operation) == "ok"
    assert operation.attempts == 3
    assert delays == [0.5, 1.0]


def test_at_most_five_attempts_then_the_last_error() -> None:
    delays: list[float] = []
    operation = Flaky([ProviderError(f"down {n}", retryable=True, status=500) for n in range(10)])
    with pytest.raises(ProviderError, match="down 4"):
        RetryPolicy(sleep=delays.append, jitter=lambda: 1.0).call(operation)
    assert operation.attempts == 5
    assert delays == [0.5, 1.0, 2.0, 4.0]


def test_non_retryable_errors_are_not_retried() -> None:
    delays: list[float] = []
    operation = Flaky([ProviderError("bad request", retryable=False, status=400)])
    with pytest.raises(ProviderError, match="bad request"):
        RetryPolicy(sleep=delays.append).call(operation)
    assert operation.attempts == 1
    assert delays == []


def test_delays_are_full_jitter_capped_at_32_seconds() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=lambda: 1.0)
    assert [policy.delay(attempt) for attempt in range(1, 9)] == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 32.0, 32.0]
    assert RetryPolicy(base_delay=1.0, jitter=lambda: 0.25).delay(4) == 2.0
    assert RetryPolicy(jitter=lambda: 0.0).delay(3) == 0.0
