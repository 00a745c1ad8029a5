"""The process-wide rate limiter: which counter store this process uses, and counting a request's limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from azora.security.adapters.counters import CounterStore, Hit, InProcessCounterStore, RedisCounterStore
from azora.security.rules import Limit, PolicyState, RateOverride, evaluate, limits_with_overrides

# Short timeouts: a slow Redis must not hold a login for long; the middleware lets the request through.
_REDIS_CONNECT_TIMEOUT = 0.5
_REDIS_SOCKET_TIMEOUT = 1.0

# After a failure the store is left alone for a few seconds (a circuit breaker): while Redis is down,
# requests go through at once instead of each paying a connection timeout first.
STORE_SUSPENSION_SECONDS = 5.0

_stores: dict[str, CounterStore] = {}
_stores_lock = threading.Lock()
_suspended_until: dict[str, float] = {}
_clock: Callable[[], float] = time.monotonic


class CounterStoreSuspended(redis.ConnectionError):
    """The store failed moments ago; counting is skipped without trying it again until the pause ends."""


def counter_store() -> CounterStore:
    """Redis when settings.REDIS_URL is set (one connection pool per process and URL), else in-process."""
    url = settings.REDIS_URL or ""
    store = _stores.get(url)
    if store is not None:
        return store
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _new_store(url)
            _stores[url] = store
        return store


def _new_store(url: str) -> CounterStore:
    if not url:
        return InProcessCounterStore()
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=_REDIS_CONNECT_TIMEOUT,
        socket_timeout=_REDIS_SOCKET_TIMEOUT,
        health_check_interval=30,
        # One immediate retry covers a pooled connection that Redis closed; backing off for seconds
        # would hold the request, which goes through without counting anyway.
        retry=Retry(NoBackoff(), 1),
    )
    return RedisCounterStore(client)


def reset() -> None:
    """Forget every counter of this process's store and any suspension (tests call it between tests)."""
    _suspended_until.clear()
    counter_store().reset()


def is_suspended() -> bool:
    return _clock() < _suspended_until.get(settings.REDIS_URL or "", 0.0)


def active_limits() -> tuple[Limit, ...]:
    """The limits table with settings.AZORA_RATE_LIMITS applied (parsing a handful of rates is cheap)."""
    overrides: Mapping[str, RateOverride] = getattr(settings, "AZORA_RATE_LIMITS", None) or {}
    return limits_with_overrides(overrides)


def count(planned: Sequence[tuple[Limit, str]]) -> list[PolicyState]:
    """Count one request against each (limit, identity digest); the states in the same order.

    Raises redis.RedisError when the shared store is unreachable; the caller decides what that means.
    """
    url = settings.REDIS_URL or ""
    if is_suspended():
        raise CounterStoreSuspended("the counter store failed moments ago")
    hits = [Hit(key=f"{limit.name}:{digest}", window=limit.window) for limit, digest in planned]
    try:
        counted = counter_store().hit(hits)
    except redis.RedisError:
        _suspended_until[url] = _clock() + STORE_SUSPENSION_SECONDS
        raise
    return [evaluate(limit, result) for (limit, _), result in zip(planned, counted, strict=True)]
