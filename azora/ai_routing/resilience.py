"""Circuit breakers (shared through the cache: Redis in production, in-process embedded), latency averages and
per-minute counters.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import redis
import structlog
from django.core.cache import cache

BreakerState = Literal["closed", "open", "half_open"]
_PREFIX = "ai:breaker:"
# Breaker records outlive any sensible open period; a breaker nobody touched for a day starts closed again.
_BREAKER_TTL_SECONDS = 24 * 3600

clock: Callable[[], float] = time.time  # wall time: shared by every process (tests replace it)
logger = structlog.get_logger(__name__)


def degrade_to[**P, T](fallback: Any) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """When the shared cache (Redis) fails, answer `fallback` and log: chats go on without breakers or limits,
    as Aegis lets requests through when Redis is down (ADR 0003): availability over protection."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return function(*args, **kwargs)
            except redis.RedisError as error:
                logger.warning("ai_shared_cache_unavailable", operation=function.__name__, error=type(error).__name__)
                return fallback  # type: ignore[no-any-return]  # each use passes a value of its function's type

        return wrapper

    return decorate


@dataclass(frozen=True)
class BreakerStatus:
    state: BreakerState
    failures: int
    successes: int
    opened_at: float | None


def _record(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"state": "closed", "failures": 0, "successes": 0, "opened_at": None}


def _read(name: str) -> dict[str, Any]:
    return _record(cache.get(_PREFIX + name))


def _write(name: str, record: dict[str, Any]) -> None:
    cache.set(_PREFIX + name, record, _BREAKER_TTL_SECONDS)


def breaker_status(name: str) -> BreakerStatus:
    record = _read(name)
    return BreakerStatus(
        state=record["state"], failures=record["failures"], successes=record["successes"], opened_at=record["opened_at"]
    )


class Gate(NamedTuple):
    """A breaker's answer for one call: may it go, why not, and whether the breaker was closed with no failure
    counted (then a success has nothing to reset: `breaker_success(..., clean=True)` writes and reads nothing)."""

    allowed: bool
    reason: str
    clean: bool


@degrade_to({})
def breakers_allow(names: Sequence[str], *, open_seconds: int) -> dict[str, Gate]:
    """Whether a call may go to each of `names`, read in one round trip; an open breaker whose pause is over becomes
    half-open (trial calls). A name missing from the answer (the shared cache is down) may be called."""
    stored = cache.get_many([_PREFIX + name for name in names])
    answers: dict[str, Gate] = {}
    for name in names:
        record = _record(stored.get(_PREFIX + name))
        if record["state"] == "open":
            if clock() - (record["opened_at"] or 0.0) < open_seconds:
                answers[name] = Gate(allowed=False, reason="circuit open", clean=False)
                continue
            record.update(state="half_open", successes=0)
            _write(name, record)
        clean = record["state"] == "closed" and not record["failures"]
        answers[name] = Gate(allowed=True, reason="", clean=clean)
    return answers


@degrade_to(None)
def breaker_success(name: str, *, successes_to_close: int, clean: bool = False) -> None:
    """Count a successful call. `clean`: the call's own `breakers_allow` found the breaker closed with no failure,
    so there is nothing to reset and nothing is read (one Redis round trip a chat fewer). A failure another call
    counted meanwhile then stands until the next success that reads it: "consecutive" is by when calls started."""
    if clean:
        return
    record = _read(name)
    if record["state"] == "half_open":
        record["successes"] += 1
        if record["successes"] >= successes_to_close:
            record.update(state="closed", failures=0, successes=0, opened_at=None)
        _write(name, record)
    elif record["failures"]:
        record["failures"] = 0
        _write(name, record)


@degrade_to("closed")
def breaker_failure(name: str, *, failures_to_open: int) -> BreakerState:
    """Count a failed call; returns the state after it (a half-open breaker opens again at once)."""
    record = _read(name)
    record["failures"] += 1
    if record["state"] == "half_open" or (record["state"] == "closed" and record["failures"] >= failures_to_open):
        record.update(state="open", opened_at=clock(), successes=0)
    _write(name, record)
    state: BreakerState = record["state"]
    return state


def breaker_reset(name: str) -> None:
    cache.delete(_PREFIX + name)


# --- Moving-average latency (per process: each process routes by what it has measured) ------------------------

_ALPHA = 0.3
_latency: dict[str, float] = {}
_latency_lock = threading.Lock()


def latency_observe(name: str, milliseconds: float) -> None:
    with _latency_lock:
        previous = _latency.get(name)
        _latency[name] = milliseconds if previous is None else _ALPHA * milliseconds + (1 - _ALPHA) * previous


def latency_average(name: str) -> float | None:
    return _latency.get(name)


def latency_reset() -> None:
    with _latency_lock:
        _latency.clear()


# --- Per-minute counters (requests and tokens), fixed one-minute windows ---------------------------------------


def _minute() -> int:
    return int(clock() // 60)


@degrade_to(True)
def count_within(key: str, amount: int, limit: int) -> bool:
    """Add `amount` to this minute's counter for `key`; False when the total is over `limit` (0 = no limit).

    The refused amount stays counted, so a client hammering past its limit stays refused for the minute.
    """
    if limit <= 0:
        return True
    window_key = f"ai:rl:{key}:{_minute()}"
    cache.add(window_key, 0, 120)
    try:
        total = cache.incr(window_key, amount)
    except ValueError:  # the key expired between add and incr
        cache.set(window_key, amount, 120)
        total = amount
    return int(total) <= limit


def count_peek(key: str) -> int:
    return int(cache.get(f"ai:rl:{key}:{_minute()}") or 0)
