"""The Redis cache backend: Django's behaviour, one client per connection pool instead of one per call."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches

from azora.shared.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def backend() -> Iterator[RedisCache]:
    backend = RedisCache(str(settings.CACHES["default"]["LOCATION"]), {"KEY_PREFIX": "cache-test"})
    yield backend
    backend.clear()


def test_the_configured_default_cache_is_this_backend() -> None:
    assert isinstance(caches["default"], RedisCache)


def test_every_call_uses_the_same_client(backend: RedisCache) -> None:
    client = backend._cache.get_client()

    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("some-key") is client
    other = RedisCache(str(settings.CACHES["default"]["LOCATION"]), {})
    assert other._cache.get_client() is not client


def test_it_reads_and_writes_as_djangos_backend_does(backend: RedisCache) -> None:
    assert backend.add("k", {"a": 1}, 30) is True
    assert backend.add("k", "other", 30) is False
    backend.set_many({"x": (1, "two"), "y": b"bytes"}, 30)
    assert backend.add("n", 1, 30) is True
    assert backend.incr("n", 1) == 2

    assert backend.get_many(["k", "x", "y", "missing"]) == {"k": {"a": 1}, "x": (1, "two"), "y": b"bytes"}
    assert backend.get("n") == 2
    backend.delete_many(["k", "x"])
    assert backend.get_many(["k", "x", "y"]) == {"y": b"bytes"}


def test_threads_share_the_client_safely(backend: RedisCache) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for round_ in range(50):
                backend.set(f"w{worker}", round_, 30)
                assert backend.get(f"w{worker}") == round_
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert backend.get_many([f"w{worker}" for worker in range(8)]) == {f"w{worker}": 49 for worker in range(8)}
