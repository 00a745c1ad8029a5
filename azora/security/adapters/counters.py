"""Counter stores for rate limits: a Protocol, a Redis store (shared, exact) and an in-process store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import redis

from azora.security.rules import Count

KEY_PREFIX = "azora:rl:"


@dataclass(frozen=True, slots=True)
class Hit:
    """One request counted against one key, in a window of `window` seconds that starts at the key's first hit."""

    key: str
    window: int


class CounterStore(Protocol):
    def hit(self, hits: Sequence[Hit]) -> list[Count]:
        """Count one request against each key at once; one result per hit, in order."""
        ...

    def reset(self) -> None:
        """Forget every counter (tests and operators; never called on a request path)."""
        ...


# Each key is a fixed window that opens at its first hit: INCR, and on the first hit PEXPIRE the window.
# One script run is atomic in Redis, so every process sees exact, shared counts. A key that somehow lost
# its expiry (PTTL -1) gets one again rather than counting for ever.
_HIT_SCRIPT = """
local results = {}
for index, key in ipairs(KEYS) do
  local window = tonumber(ARGV[index])
  local count = redis.call('INCR', key)
  if count == 1 then
    redis.call('PEXPIRE', key, window)
  end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  results[#results + 1] = count
  results[#results + 1] = ttl
end
return results
"""


class RedisCounterStore:
    """Shared counters in Redis: one script call per request, whatever the number of limits."""

    def __init__(self, client: redis.Redis, *, prefix: str = KEY_PREFIX) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_HIT_SCRIPT)

    def hit(self, hits: Sequence[Hit]) -> list[Count]:
        if not hits:
            return []
        keys = [self._prefix + hit.key for hit in hits]
        windows_ms = [hit.window * 1000 for hit in hits]
        raw = self._script(keys=keys, args=windows_ms)
        return [Count(count=int(raw[i]), reset_after=int(raw[i + 1]) / 1000) for i in range(0, len(raw), 2)]

    def reset(self) -> None:
        batch: list[bytes] = []
        for key in self._client.scan_iter(match=self._prefix + "*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                self._client.delete(*batch)
                batch.clear()
        if batch:
            self._client.delete(*batch)


class InProcessCounterStore:
    """Counters in this process's memory, for the embedded single-process mode; thread-safe.

    The same fixed windows as the Redis store. Expired windows are swept every `sweep_every` hits, so
    memory stays bounded by the number of identities seen within the longest window.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, sweep_every: int = 1024) -> None:
        self._clock = clock
        self._sweep_every = sweep_every
        self._lock = threading.Lock()
        # key -> [count, expires_at]
        self._windows: dict[str, list[float]] = {}
        self._hits_since_sweep = 0

    def hit(self, hits: Sequence[Hit]) -> list[Count]:
        with self._lock:
            now = self._clock()
            self._maybe_sweep(now)
            return [self._hit_one(hit, now) for hit in hits]

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
            self._hits_since_sweep = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._windows)

    def _hit_one(self, hit: Hit, now: float) -> Count:
        window = self._windows.get(hit.key)
        if window is None or window[1] <= now:
            window = [0, now + hit.window]
            self._windows[hit.key] = window
        window[0] += 1
        # min(): (now + window) - now can exceed the window by a rounding error on a large clock.
        return Count(count=int(window[0]), reset_after=min(float(hit.window), window[1] - now))

    def _maybe_sweep(self, now: float) -> None:
        self._hits_since_sweep += 1
        if self._hits_since_sweep < self._sweep_every:
            return
        self._hits_since_sweep = 0
        expired = [key for key, (_, expires_at) in self._windows.items() if expires_at <= now]
        for key in expired:
            del self._windows[key]
