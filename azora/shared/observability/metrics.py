"""Prometheus metrics: request counts and latencies by route, exceptions, platform gauges read at scrape time, and the
registry through which apps add their own scrape-time collectors."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils.module_loading import autodiscover_modules
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

UNMATCHED_ROUTE = "unmatched"
STATIC_ROUTE = "static"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
# Sub-millisecond to ten seconds: the API's target is a P95 under 10 ms, so the low end is finely cut.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "azora_http_requests_total", "HTTP requests answered, by method, route pattern and status.",
    ["method", "route", "status"],
)  # fmt: skip
HTTP_REQUEST_DURATION = Histogram(
    "azora_http_request_duration_seconds", "Time to answer an HTTP request, by method and route pattern.",
    ["method", "route"], buckets=LATENCY_BUCKETS,
)  # fmt: skip
HTTP_EXCEPTIONS = Counter(
    "azora_http_exceptions_total", "Exceptions a view raised that reached Django's handler, by route pattern.",
    ["route"],
)  # fmt: skip


def route_of(request: HttpRequest) -> str:
    """The matched URL pattern ("api/v1/me", "" is "/"), never the raw path, so label values stay few.

    Static files are answered by WhiteNoise before URL resolution; they share the one route "static".
    """
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.route) or "/"
    if settings.STATIC_URL and request.path.startswith(str(settings.STATIC_URL)):
        return STATIC_ROUTE
    return UNMATCHED_ROUTE


def method_of(request: HttpRequest) -> str:
    method = (request.method or "").upper()
    return method if method in KNOWN_METHODS else "OTHER"


def observe_request(*, method: str, route: str, status: int, duration_seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_REQUEST_DURATION.labels(method=method, route=route).observe(duration_seconds)


def observe_exception(request: HttpRequest) -> None:
    """Counts an unhandled exception; also for handlers that turn one into a 500 themselves."""
    HTTP_EXCEPTIONS.labels(route=route_of(request)).inc()


class PlatformStateCollector(Collector):
    """Gauges read from the database when Prometheus scrapes: database up, task queue depth and age, outbox."""

    def collect(self) -> Iterable[Metric]:
        database_up = GaugeMetricFamily("azora_db_up", "1 when the database answers SELECT 1, else 0.")
        is_up = _database_answers()
        database_up.add_metric([], 1.0 if is_up else 0.0)
        yield database_up
        if not is_up:
            return
        # A table that cannot be read leaves its gauges out of this scrape rather than failing the whole scrape.
        for read in (_task_queue_metrics, _outbox_metrics):
            try:
                yield from list(read())
            except DatabaseError:
                continue


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _task_queue_metrics() -> Iterable[Metric]:
    from django.db.models import Count, Min
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    depth = GaugeMetricFamily(
        "azora_task_queue_depth", "Tasks waiting to run (status READY), by queue.", labels=["queue"]
    )
    counts = {queue: 0 for queue in _configured_queues()}
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by()
    for row in ready.values("queue_name").annotate(count=Count("id")):
        counts[row["queue_name"]] = row["count"]
    for queue, count in sorted(counts.items()):
        depth.add_metric([queue], float(count))
    yield depth

    oldest = GaugeMetricFamily(
        "azora_task_oldest_waiting_seconds", "Age of the oldest task that is due and not yet picked up."
    )
    enqueued_at = DBTaskResult.objects.ready().order_by().aggregate(oldest=Min("enqueued_at"))["oldest"]
    oldest.add_metric([], max(0.0, (datetime.now(UTC) - enqueued_at).total_seconds()) if enqueued_at else 0.0)
    yield oldest


def _outbox_metrics() -> Iterable[Metric]:
    from azora.shared.events import outbox_stats

    stats = outbox_stats()
    pending = GaugeMetricFamily("azora_outbox_pending_events", "Published events not yet dispatched to subscribers.")
    pending.add_metric([], float(stats.pending))
    failed = GaugeMetricFamily("azora_outbox_failed_events", "Events whose dispatch gave up after every retry.")
    failed.add_metric([], float(stats.failed))
    lag = GaugeMetricFamily("azora_outbox_lag_seconds", "Age of the oldest pending event (0 when none is pending).")
    lag.add_metric([], stats.oldest_pending_age_seconds or 0.0)
    return [pending, failed, lag]


def _configured_queues() -> list[str]:
    queues: list[str] = []
    for backend in settings.TASKS.values():
        queues.extend(str(queue) for queue in backend.get("QUEUES", ["default"]))
    return queues


class _GuardedCollector(Collector):
    """An app's collector whose tables cannot be read leaves its gauges out of this scrape, never the whole scrape."""

    def __init__(self, inner: Collector) -> None:
        self.inner = inner

    def collect(self) -> Iterable[Metric]:
        try:
            return list(self.inner.collect())
        except DatabaseError:
            return []


_state_registry = CollectorRegistry(auto_describe=False)
_state_registry.register(PlatformStateCollector())
_app_collectors: dict[str, Collector] = {}
_app_collectors_lock = threading.Lock()
_discovery_lock = threading.Lock()
_discovered = False


def register_collector(name: str, collector: Collector) -> None:
    """Adds an app's scrape-time collector (gauges read from its own tables) to /metrics.

    Apps call it from their `<app>/metrics.py`, which `exposition` imports once per process. Registering a
    second collector under the same `name` replaces the first, so a re-imported module never doubles its series.
    A collector reads cheap rows only: every web process runs it on every scrape.
    """
    with _app_collectors_lock:
        previous = _app_collectors.get(name)
        if previous is not None:
            _state_registry.unregister(previous)
        guarded = _GuardedCollector(collector)
        _state_registry.register(guarded)
        _app_collectors[name] = guarded


def unregister_collector(name: str) -> None:
    with _app_collectors_lock:
        collector = _app_collectors.pop(name, None)
        if collector is not None:
            _state_registry.unregister(collector)


def registered_collectors() -> list[str]:
    with _app_collectors_lock:
        return sorted(_app_collectors)


def discover_app_metrics() -> None:
    """Imports every installed app's `metrics` module once, so each app's counters exist (and are exposed with
    their HELP and TYPE lines) and its collectors are registered before the first scrape answers."""
    global _discovered
    if _discovered:
        return
    with _discovery_lock:
        if not _discovered:
            autodiscover_modules("metrics")
            _discovered = True


def exposition() -> bytes:
    """The text exposition of every metric: this process's (or all processes' in multiprocess mode) + gauges."""
    discover_app_metrics()
    multiprocess_dir = settings.PROMETHEUS_MULTIPROC_DIR
    if multiprocess_dir:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=multiprocess_dir)
        process_metrics = generate_latest(registry)
    else:
        process_metrics = generate_latest(REGISTRY)
    return process_metrics + generate_latest(_state_registry)
