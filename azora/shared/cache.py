"""The Redis cache backend of production settings: Django's own, with one Redis client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` object for every cache call, and building one
fills a case-insensitive table of ~170 response callbacks: 0.1-0.2 ms of CPU per call, as much as the round trip
itself (docs/performance.md, "Education"). A `redis.Redis` is safe to share between threads (each command takes a
connection from the pool and gives it back), so the client is built once per pool and kept. Everything else
(serialisation, key handling, timeouts, the pools themselves) is Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

__all__ = ["RedisCache"]


class RedisCacheClient(DjangoRedisCacheClient):
    # Django's own private members, missing from its type stubs.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]
    _get_connection_pool_index: Callable[[bool], int]

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
