"""The counter stores' contract: the same tests run on the in-process store and, with REDIS_URL, on Redis."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings

from azora.security.adapters.counters import CounterStore, Hit, InProcessCounterStore, RedisCounterStore
from azora.security.rules import Count

TEST_PREFIX = "azora:rl:contract:"


class FakeClock:
    """A clock the in-process store reads, moved by hand (a stand-in for time, not for our code)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["in_process", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> Iterator[CounterStore]:
    if request.param == "in_process":
        yield InProcessCounterStore()
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
    redis_store = RedisCounterStore(client, prefix=TEST_PREFIX)
    redis_store.reset()
    yield redis_store
    redis_store.reset()
    client.close()


def test_counts_each_key_from_one(store: CounterStore) -> None:
    assert [store.hit([Hit("a", 60)])[0].count for _ in range(3)] == [1, 2, 3]
    assert store.hit([Hit("b", 60)])[0].count == 1


def test_counts_several_keys_in_one_call_in_order(store: CounterStore) -> None:
    store.hit([Hit("a", 60)])
    counts = store.hit([Hit("a", 60), Hit("b", 900), Hit("a", 60)])
    assert [count.count for count in counts] == [2, 1, 3]
    assert store.hit([]) == []


def test_reports_when_the_window_resets(store: CounterStore) -> None:
    first, second = store.hit([Hit("short", 60), Hit("long", 3600)])
    assert 0 < first.reset_after <= 60
    assert 3540 < second.reset_after <= 3600


def test_the_window_opens_at_the_first_hit_and_does_not_slide(store: CounterStore) -> None:
    first = store.hit([Hit("a", 3600)])[0]
    later = store.hit([Hit("a", 3600)])[0]
    assert later.reset_after <= first.reset_after


def test_reset_forgets_every_counter(store: CounterStore) -> None:
    store.hit([Hit("a", 60), Hit("b", 60)])
    store.reset()
    assert [count.count for count in store.hit([Hit("a", 60), Hit("b", 60)])] == [1, 1]


def test_concurrent_hits_are_counted_exactly_once_each(store: CounterStore) -> None:
    threads, hits_per_thread, limit = 8, 50, 100
    start = threading.Barrier(threads)

    def hammer() -> list[int]:
        start.wait()
        return [store.hit([Hit("shared", 60)])[0].count for _ in range(hits_per_thread)]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        seen = [count for counts in pool.map(lambda _: hammer(), range(threads)) for count in counts]

    # Every count from 1 to N*M is handed out exactly once, so exactly `limit` requests are allowed.
    assert sorted(seen) == list(range(1, threads * hits_per_thread + 1))
    assert sum(1 for count in seen if count <= limit) == limit
    assert sum(1 for count in seen if count > limit) == threads * hits_per_thread - limit


def test_in_process_window_expires_and_starts_again_from_one() -> None:
    clock = FakeClock()
    store = InProcessCounterStore(clock=clock)
    store.hit([Hit("a", 60)])
    clock.now += 30
    assert store.hit([Hit("a", 60)]) == [Count(count=2, reset_after=30.0)]
    clock.now += 30
    assert store.hit([Hit("a", 60)]) == [Count(count=1, reset_after=60.0)]


def test_in_process_store_sweeps_expired_windows() -> None:
    clock = FakeClock()
    store = InProcessCounterStore(clock=clock, sweep_every=3)
    store.hit([Hit("old-1", 10), Hit("old-2", 10)])
    store.hit([Hit("young", 100)])
    assert len(store) == 3
    clock.now += 50
    store.hit([Hit("new", 100)])
    assert len(store) == 2  # old-1 and old-2 are gone; young and new remain


@pytest.mark.redis
def test_redis_window_expires_and_starts_again_from_one() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    store = RedisCounterStore(client, prefix=TEST_PREFIX)
    try:
        assert store.hit([Hit("expiring", 1)])[0].count == 1
        assert store.hit([Hit("expiring", 1)])[0].count == 2
        # Redis expires the key on its own clock; poll (bounded) rather than assume a duration.
        deadline = time.monotonic() + 10
        while client.exists(TEST_PREFIX + "expiring") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.hit([Hit("expiring", 1)])[0].count == 1
    finally:
        store.reset()
        client.close()


@pytest.mark.redis
def test_redis_gives_a_key_that_lost_its_expiry_a_new_one() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    store = RedisCounterStore(client, prefix=TEST_PREFIX)
    try:
        client.set(TEST_PREFIX + "stuck", 7)  # no expiry, as if written by hand
        counted = store.hit([Hit("stuck", 60)])[0]
        assert counted.count == 8
        assert 0 < client.pttl(TEST_PREFIX + "stuck") <= 60_000
    finally:
        store.reset()
        client.close()


@pytest.mark.redis
def test_redis_reset_leaves_other_keys_alone() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    store = RedisCounterStore(client, prefix=TEST_PREFIX)
    try:
        client.set("azora:not-a-counter", "keep")
        store.hit([Hit(f"k{i}", 60) for i in range(1200)])
        store.reset()
        assert client.get("azora:not-a-counter") == b"keep"
        assert list(client.scan_iter(match=TEST_PREFIX + "*")) == []
    finally:
        client.delete("azora:not-a-counter")
        client.close()
