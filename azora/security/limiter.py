"""The process-wide rate limiter: which counter store this process uses, and counting a request's limits."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from azora.security.adapters.counters import CounterStore, Hit, InProcessCounterStore, RedisCounterStore
from azora.security.rules import Limit, PolicyState, RateOverride, evaluate, limits_with_overrides

# Short timeouts: a slow Redis must not hold a login for long; the middleware lets the request through.
_REDIS_CONNECT_TIMEOUT = 0.5
_REDIS_SOCKET_TIMEOUT = 1.0

_stores: dict[str, CounterStore] = {}
_stores_lock = threading.Lock()


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
    """Forget every counter of this process's store (tests call it between tests)."""
    counter_store().reset()


def active_limits() -> tuple[Limit, ...]:
    """The limits table with settings.AZORA_RATE_LIMITS applied (parsing a handful of rates is cheap)."""
    overrides: Mapping[str, RateOverride] = getattr(settings, "AZORA_RATE_LIMITS", None) or {}
    return limits_with_overrides(overrides)


def count(planned: Sequence[tuple[Limit, str]]) -> list[PolicyState]:
    """Count one request against each (limit, identity digest); the states in the same order.

    Raises redis.RedisError when the shared store is unreachable; the caller decides what that means.
    """
    hits = [Hit(key=f"{limit.name}:{digest}", window=limit.window) for limit, digest in planned]
    counted = counter_store().hit(hits)
    return [evaluate(limit, result) for (limit, _), result in zip(planned, counted, strict=True)]
