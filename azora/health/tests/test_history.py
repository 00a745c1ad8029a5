"""Probe history: histograms and percentiles, tiered reads, the roll-up into hours and days, pruning, uptime, daily
bars and service health."""

from __future__ import annotations

import datetime as dt

import pytest

from azora.health import history
from azora.health.history import Tier, histogram_merge, percentile, tiers
from azora.health.models import ProbeBucket, Resolution, RouteBucket
from azora.health.public import daily_bars, probe_latency, route_latency, service_health, uptime_percent
from azora.health.tests.factories_probes import (
    ProbeBucketFactory,
    ProbeStateFactory,
    RouteBucketFactory,
    histogram_of,
)

NOW = dt.datetime(2026, 3, 2, 10, 15, 20, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def at(hour: int, minute: int = 0, *, day: int = 2) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


# --- histograms (pure) --------------------------------------------------------------------------------------------


def test_a_latency_lands_in_the_first_bucket_whose_bound_holds_it() -> None:
    histogram = histogram_of(0.4, 1, 10, 10.01, 20_000)
    assert histogram == [2, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_percentiles_interpolate_inside_the_bucket() -> None:
    histogram = histogram_of(8, 12)
    assert [percentile(histogram, q) for q in (0.5, 0.95, 0.99)] == [10.0, 23.5, 24.7]


def test_the_open_last_bucket_answers_the_slowest_latency_seen() -> None:
    assert percentile(histogram_of(20_000), 0.99, max_ms=31_000) == 31_000.0
    assert percentile(histogram_of(20_000), 0.99) == 10_000.0


def test_no_observation_has_no_percentile() -> None:
    assert percentile(history.empty_histogram(), 0.5) is None


def test_histograms_sum_and_a_stored_one_of_another_length_is_skipped() -> None:
    assert histogram_merge([histogram_of(8), histogram_of(8, 12), [1, 2, 3]]) == histogram_of(8, 8, 12)


def test_a_day_long_window_reads_whole_hours_then_this_hours_minutes() -> None:
    assert tiers(window=dt.timedelta(hours=24), now=NOW) == [
        Tier(Resolution.MINUTE, at(10), NOW + dt.timedelta(minutes=1)),
        Tier(Resolution.HOUR, at(10, day=1), at(10)),
    ]


def test_a_month_long_window_reads_whole_days_then_todays_hours_then_minutes() -> None:
    assert tiers(window=dt.timedelta(days=30), now=NOW) == [
        Tier(Resolution.MINUTE, at(10), NOW + dt.timedelta(minutes=1)),
        Tier(Resolution.HOUR, at(0), at(10)),
        Tier(Resolution.DAY, dt.datetime(2026, 1, 31, tzinfo=dt.UTC), at(0)),
    ]


# --- roll-up and pruning ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rollup_sums_complete_hours_then_complete_days_and_is_idempotent() -> None:
    ProbeBucketFactory(started_at=at(9, 10), checks=2, failures=1, latency_max_ms=12.0)
    ProbeBucketFactory(started_at=at(9, 40), checks=2, failures=0, latency_max_ms=9.0)
    ProbeBucketFactory(started_at=at(10, 5), checks=2, failures=0, latency_max_ms=30.0)

    assert history.rollup(now=NOW) == 1  # 10:00 is not over yet
    assert history.rollup(now=NOW) == 1
    assert history.rollup(now=at(11, 1)) == 2
    assert history.rollup(now=at(0, 1, day=3)) == 1  # 2 March is over

    rows = ProbeBucket.objects.exclude(resolution=Resolution.MINUTE).order_by("resolution", "started_at")
    seen = [
        (r.resolution, r.started_at, r.checks, r.failures, r.latency_max_ms, sum(r.latency_histogram)) for r in rows
    ]
    assert seen == [
        (Resolution.DAY, at(0), 6, 1, 30.0, 6),
        (Resolution.HOUR, at(9), 4, 1, 12.0, 4),
        (Resolution.HOUR, at(10), 2, 0, 30.0, 2),
    ]  # fmt: skip


@pytest.mark.django_db
def test_rollup_merges_the_rows_of_several_web_processes_per_route() -> None:
    RouteBucketFactory(started_at=at(9, 10), requests=2, errors=1)
    RouteBucketFactory(started_at=at(9, 10), requests=3, errors=0)
    RouteBucketFactory(route="api/v1/me", service="accounts", started_at=at(9, 12), requests=1)

    history.rollup(now=NOW)

    hours = RouteBucket.objects.filter(resolution=Resolution.HOUR).order_by("route")
    assert [(r.route, r.service, r.started_at, r.requests, r.errors) for r in hours] == [
        ("api/v1/courses", "education", at(9), 5, 1),
        ("api/v1/me", "accounts", at(9), 1, 0),
    ]


@pytest.mark.django_db
def test_prune_drops_rows_past_each_resolutions_retention(settings: object) -> None:
    settings.AZORA_HEALTH_MINUTE_RETENTION_DAYS = 2  # type: ignore[attr-defined]
    settings.AZORA_HEALTH_HOUR_RETENTION_DAYS = 35  # type: ignore[attr-defined]
    kept = [
        ProbeBucketFactory(started_at=NOW - dt.timedelta(days=1)),
        ProbeBucketFactory(resolution=Resolution.HOUR, started_at=NOW - dt.timedelta(days=10)),
        ProbeBucketFactory(resolution=Resolution.DAY, started_at=NOW - dt.timedelta(days=100)),
    ]
    ProbeBucketFactory(started_at=NOW - dt.timedelta(days=3))
    ProbeBucketFactory(resolution=Resolution.HOUR, started_at=NOW - dt.timedelta(days=40))
    ProbeBucketFactory(resolution=Resolution.DAY, started_at=NOW - dt.timedelta(days=500))
    RouteBucketFactory(started_at=NOW - dt.timedelta(days=3))

    assert history.prune(now=NOW) == 4
    assert set(ProbeBucket.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert RouteBucket.objects.count() == 0


# --- reads --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_uptime_counts_each_check_once_across_tiers() -> None:
    ProbeBucketFactory(resolution=Resolution.HOUR, started_at=at(8), checks=120, failures=6)
    ProbeBucketFactory(resolution=Resolution.HOUR, started_at=at(9), checks=120, failures=0)
    ProbeBucketFactory(started_at=at(9, 30), checks=2, failures=2)  # already inside the 09:00 hour row
    ProbeBucketFactory(started_at=at(10, 5), checks=2, failures=1)
    ProbeBucketFactory(started_at=at(10, 10), checks=2, failures=0)
    ProbeBucketFactory(probe="mail", service="accounts", started_at=at(10, 10), checks=2, failures=2)

    window = dt.timedelta(hours=24)
    assert uptime_percent(window=window, service="education", now=NOW) == 97.131
    assert uptime_percent(window=window, probe="mail", now=NOW) == 0.0
    assert uptime_percent(window=window, service="payments", now=NOW) is None


@pytest.mark.django_db
def test_probe_latency_merges_the_windows_histograms() -> None:
    ProbeBucketFactory(resolution=Resolution.HOUR, started_at=at(9), latency_histogram=histogram_of(8))
    ProbeBucketFactory(started_at=at(10, 5), latency_histogram=histogram_of(12), latency_max_ms=12.0)

    summary = probe_latency(probe="search", window=dt.timedelta(hours=24), now=NOW)

    assert (summary.count, summary.p50_ms, summary.p95_ms, summary.p99_ms) == (2, 10.0, 23.5, 24.7)


@pytest.mark.django_db
def test_route_latency_lists_the_busiest_routes_with_errors_and_percentiles() -> None:
    RouteBucketFactory(started_at=at(10, 5), requests=2, errors=1, latency_histogram=histogram_of(8, 12))
    RouteBucketFactory(started_at=at(10, 5), requests=3, errors=0, latency_histogram=histogram_of(8, 8, 8))
    RouteBucketFactory(route="api/v1/me", service="accounts", started_at=at(10, 6), requests=1,
                       latency_histogram=histogram_of(300))  # fmt: skip

    routes = route_latency(window=HOUR, now=NOW)

    assert [(r.route, r.service, r.requests, r.errors, r.latency.count, r.latency.p50_ms) for r in routes] == [
        ("api/v1/courses", "education", 5, 1, 5, 8.12),
        ("api/v1/me", "accounts", 1, 0, 1, 375.0),
    ]
    assert [r.route for r in route_latency(window=HOUR, service="accounts", now=NOW)] == ["api/v1/me"]
    assert [r.route for r in route_latency(window=HOUR, limit=1, now=NOW)] == ["api/v1/courses"]


@pytest.mark.django_db
def test_daily_bars_give_each_day_its_uptime_and_minutes_down() -> None:
    ProbeBucketFactory(resolution=Resolution.DAY, started_at=at(0, day=28).replace(month=2), checks=2880, failures=288)
    ProbeBucketFactory(resolution=Resolution.HOUR, started_at=at(9), checks=120, failures=12)
    ProbeBucketFactory(started_at=at(10, 5), checks=2, failures=0)
    ProbeBucketFactory(probe="mail", service="accounts", started_at=at(10, 5), checks=2, failures=2)

    bars = daily_bars(service="education", days=3, now=NOW)

    assert [(bar.day.isoformat(), bar.uptime_percent, bar.down_minutes) for bar in bars] == [
        ("2026-02-28", 90.0, 144),
        ("2026-03-01", None, 0),
        ("2026-03-02", 90.164, 60),
    ]


@pytest.mark.django_db
def test_service_health_shows_the_worst_probe_and_uptime_per_window() -> None:
    ProbeStateFactory(name="search", service="education", status="up")
    ProbeStateFactory(name="index", service="education", status="down")
    ProbeStateFactory(name="mail", service="accounts", status="up")
    ProbeBucketFactory(started_at=at(10, 5), checks=4, failures=1)

    health = service_health(now=NOW)

    assert [(view.service, view.status, [p.name for p in view.probes]) for view in health] == [
        ("accounts", "up", ["mail"]),
        ("education", "down", ["index", "search"]),
    ]
    assert health[1].uptime == {"24h": 75.0, "7d": 75.0, "30d": 75.0, "90d": 75.0}
    assert health[0].uptime == {"24h": None, "7d": None, "30d": None, "90d": None}
