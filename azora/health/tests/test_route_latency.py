"""Route latency history: requests counted in memory per route and minute by the request observer, written as
RouteBucket rows once the minute is over (never on a request's path), and read back as percentiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client

from azora.health import requests as route_history
from azora.health.models import RouteBucket
from azora.health.public import route_latency
from azora.health.requests import RouteAccumulator, service_of

MINUTE_START = dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC).timestamp()


@pytest.fixture(autouse=True)
def empty_accumulator() -> Iterator[None]:
    route_history.accumulator.clear()
    yield
    route_history.accumulator.clear()


@pytest.mark.parametrize(
    ("route", "service"),
    [
        ("api/v1/courses/<course_id>", "education"),
        ("api/v1/ai/chat", "ai_routing"),
        ("api/v1/wallets", "finance"),
        ("api/v1/health/checks", "health"),
        ("api/v1/", "platform"),
        ("pay/", "payments"),
        ("learn/<slug:course>/", "education"),
        ("master/", "master"),
        ("/", "platform"),
        ("status", "health"),
    ],
)
def test_a_route_belongs_to_the_service_its_first_segment_names(route: str, service: str) -> None:
    assert service_of(route) == service


def test_requests_are_counted_per_minute_and_route_with_5xx_as_errors() -> None:
    counts = RouteAccumulator()
    counts.observe(route="api/v1/courses", status=200, duration_seconds=0.0078125, at=MINUTE_START + 1)
    counts.observe(route="api/v1/courses", status=503, duration_seconds=0.015625, at=MINUTE_START + 59)
    counts.observe(route="api/v1/courses", status=404, duration_seconds=0.001, at=MINUTE_START + 61)
    counts.observe(route="readyz", status=200, duration_seconds=0.001, at=MINUTE_START + 2)

    done = counts.take_completed(now=MINUTE_START + 65)

    [(minute, routes)] = done.items()
    assert minute == int(MINUTE_START // 60)
    course = routes["api/v1/courses"]
    assert (list(routes), course.service, course.requests, course.errors, course.latency_total_ms) == (
        ["api/v1/courses"], "education", 2, 1, 23.4375
    )  # fmt: skip
    assert counts.take_completed(now=MINUTE_START + 65) == {}
    assert list(counts.take_completed(now=MINUTE_START + 125)) == [int(MINUTE_START // 60) + 1]


def test_minutes_that_cannot_be_written_are_kept_a_while_then_dropped() -> None:
    counts = RouteAccumulator()
    for minute in range(route_history.MAX_PENDING_MINUTES + 2):
        counts.observe(route="api/v1/me", status=200, duration_seconds=0.002, at=MINUTE_START + 60 * minute)

    kept = counts.take_completed(now=MINUTE_START + 3600)

    assert len(kept) == route_history.MAX_PENDING_MINUTES
    assert min(kept) == int(MINUTE_START // 60) + 2


@pytest.mark.django_db
def test_flush_writes_completed_minutes_once(django_assert_num_queries: object) -> None:
    route_history.accumulator.observe(route="api/v1/courses", status=200, duration_seconds=0.008, at=MINUTE_START)
    route_history.accumulator.observe(route="api/v1/me", status=500, duration_seconds=0.3, at=MINUTE_START + 5)

    with django_assert_num_queries(1):  # type: ignore[operator]
        assert route_history.flush(now=MINUTE_START + 60) == 2
    assert route_history.flush(now=MINUTE_START + 120) == 0

    rows = RouteBucket.objects.order_by("route")
    started = dt.datetime.fromtimestamp(MINUTE_START, tz=dt.UTC)
    assert [(r.route, r.service, r.resolution, r.started_at, r.requests, r.errors) for r in rows] == [
        ("api/v1/courses", "education", "minute", started, 1, 0),
        ("api/v1/me", "accounts", "minute", started, 1, 1),
    ]


@pytest.mark.django_db
def test_requests_through_the_middleware_are_counted_without_a_database_write(client: Client) -> None:
    before = RouteBucket.objects.count()

    for _ in range(3):
        client.get("/api/v1/status")
    client.get("/livez")

    assert RouteBucket.objects.count() == before == 0
    pending = route_history.accumulator.take_completed(now=dt.datetime.now(dt.UTC).timestamp() + 120)
    counted = {route: counts.requests for routes in pending.values() for route, counts in routes.items()}
    assert counted == {"api/v1/status": 3}


@pytest.mark.django_db
def test_flushed_requests_read_back_as_route_latency() -> None:
    for latency in (0.0078125, 0.0078125, 0.0078125, 0.015625):
        route_history.accumulator.observe(route="api/v1/courses", status=200, duration_seconds=latency, at=MINUTE_START)
    route_history.flush(now=MINUTE_START + 60)

    [view] = route_latency(window=dt.timedelta(hours=1), now=dt.datetime.fromtimestamp(MINUTE_START + 90, tz=dt.UTC))

    assert (view.route, view.service, view.requests, view.errors) == ("api/v1/courses", "education", 4, 0)
    assert (view.latency.count, view.latency.p50_ms, view.latency.p95_ms) == (4, 8.33, 22.0)
