"""Benchmark experiment: production settings with a bounded psycopg connection pool per process.

`./dev bench --settings bench.pooled_settings` measures it. As shipped, production keeps one persistent
connection per thread (`conn_max_age=60`): granian's WSGI thread pool and Django's per-request threads
under ASGI then open as many PostgreSQL connections as there are concurrent requests, and 64 concurrent
requests on two workers exhaust PostgreSQL's default `max_connections` of 100 (docs/performance.md).
A pool caps each process at `max_size` connections and makes requests wait for one instead. This module
is the measured proposal; the setting itself belongs in config/settings/base.py.
"""

from config.settings.production import *  # noqa: F403 -- an experiment extends production by design
from config.settings.production import DATABASES

DATABASES["default"] = {
    **DATABASES["default"],
    "CONN_MAX_AGE": 0,  # Django requires it with a pool: the pool, not Django, keeps connections open
    "CONN_HEALTH_CHECKS": False,
    "OPTIONS": {
        **DATABASES["default"].get("OPTIONS", {}),  # type: ignore[dict-item]
        "pool": {"min_size": 2, "max_size": 8, "timeout": 10},
    },
}
