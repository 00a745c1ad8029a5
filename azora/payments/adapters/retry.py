"""Retries of provider calls: exponential backoff with full jitter, at most 5 attempts, delays capped at 32 s."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from azora.payments.adapters.base import ProviderError

MAX_ATTEMPTS = 5
BASE_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 32.0


@dataclass(frozen=True)
class RetryPolicy:
    """`sleep` and `jitter` (uniform in [0, 1)) are injected so tests count attempts and delays without waiting."""

    max_attempts: int = MAX_ATTEMPTS
    base_delay: float = BASE_DELAY_SECONDS
    max_delay: float = MAX_DELAY_SECONDS
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**(attempt-1))]."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return self.jitter() * ceiling

    def call[T](self, operation: Callable[[], T]) -> T:
        """Runs `operation`, retrying a retryable ProviderError; the last error is raised when attempts run out."""
        attempt = 1
        while True:
            try:
                return operation()
            except ProviderError as error:
                if not error.retryable or attempt >= self.max_attempts:
                    raise
                self.sleep(self.delay(attempt))
                attempt += 1
