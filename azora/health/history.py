"""Probe and route history: latency histograms, the roll-up of minute buckets into hours and days, pruning, and the
reads over it (uptime, percentiles, route latency, daily bars, service health).

A window is read in tiers so no row is counted twice and no read scans a day of minutes: whole days from day
rows (windows over a week), whole hours from hour rows, and the current hour from minute rows. The roll-up job
writes the rows of complete hours (and of yesterday) every few minutes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q, QuerySet, Sum
from django.utils import timezone

from azora.health.models import ProbeBucket, ProbeState, ProbeStatus, Resolution, RouteBucket
from azora.health.public.probes import (
    UPTIME_WINDOWS,
    DayBar,
    LatencySummary,
    ProbeStateView,
    RouteLatencyView,
    ServiceHealthView,
)

# Upper bounds (ms) of the histogram's buckets; one more bucket holds everything slower. Sums across rows, so a
# percentile over a day is as good as over a minute.
LATENCY_BOUNDS_MS: tuple[float, ...] = (1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
DAY_ROW_RETENTION = dt.timedelta(days=400)
# Windows longer than this read whole days from day rows; shorter ones whole hours.
DAY_TIER_AFTER = dt.timedelta(days=7)
ROLLUP_LOOKBACK = dt.timedelta(hours=3)
STATUS_RANK = {ProbeStatus.DOWN: 2, ProbeStatus.UNKNOWN: 1, ProbeStatus.UP: 0}


# --- histograms ---------------------------------------------------------------------------------------------------


def empty_histogram() -> list[int]:
    return [0] * (len(LATENCY_BOUNDS_MS) + 1)


def histogram_add(histogram: list[int], latency_ms: float) -> list[int]:
    """Counts one observation (in place; also returned). A stored histogram of another length starts afresh."""
    if len(histogram) != len(LATENCY_BOUNDS_MS) + 1:
        histogram[:] = empty_histogram()
    histogram[bisect.bisect_left(LATENCY_BOUNDS_MS, latency_ms)] += 1
    return histogram


def histogram_merge(histograms: Iterable[Sequence[int]]) -> list[int]:
    total = empty_histogram()
    for histogram in histograms:
        if len(histogram) == len(total):
            for index, count in enumerate(histogram):
                total[index] += int(count)
    return total


def percentile(histogram: Sequence[int], quantile: float, *, max_ms: float | None = None) -> float | None:
    """The `quantile` (0..1) by linear interpolation inside the bucket that holds it (as Prometheus's
    histogram_quantile); the open last bucket answers the largest latency seen, or its lower bound."""
    count = sum(histogram)
    if count == 0:
        return None
    rank = quantile * count
    seen = 0
    for index, in_bucket in enumerate(histogram):
        if in_bucket and seen + in_bucket >= rank:
            if index == len(LATENCY_BOUNDS_MS):
                return round(max(max_ms or 0.0, LATENCY_BOUNDS_MS[-1]), 2)
            lower = LATENCY_BOUNDS_MS[index - 1] if index else 0.0
            upper = LATENCY_BOUNDS_MS[index]
            return round(lower + (upper - lower) * (rank - seen) / in_bucket, 2)
        seen += in_bucket
    return None  # pragma: no cover -- the loop always reaches the rank


def latency_summary(histogram: Sequence[int], *, max_ms: float | None = None) -> LatencySummary:
    return LatencySummary(
        count=sum(histogram),
        p50_ms=percentile(histogram, 0.50, max_ms=max_ms),
        p95_ms=percentile(histogram, 0.95, max_ms=max_ms),
        p99_ms=percentile(histogram, 0.99, max_ms=max_ms),
    )


# --- time --------------------------------------------------------------------------------------------------------


def minute_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def hour_of(moment: dt.datetime) -> dt.datetime:
    return minute_of(moment).replace(minute=0)


def day_of(moment: dt.datetime) -> dt.datetime:
    return hour_of(moment).replace(hour=0)


@dataclass(frozen=True, slots=True)
class Tier:
    resolution: str
    start: dt.datetime
    end: dt.datetime


def tiers(*, window: dt.timedelta, now: dt.datetime) -> list[Tier]:
    """The (resolution, [start, end)) slices that cover [now - window, now] without overlap."""
    start = now - window
    this_hour = hour_of(now)
    if start >= this_hour:
        return [Tier(Resolution.MINUTE, start, now + dt.timedelta(minutes=1))]
    parts = [Tier(Resolution.MINUTE, this_hour, now + dt.timedelta(minutes=1))]
    if window > DAY_TIER_AFTER:
        today = day_of(now)
        parts.append(Tier(Resolution.HOUR, today, this_hour))
        parts.append(Tier(Resolution.DAY, day_of(start), today))
    else:
        parts.append(Tier(Resolution.HOUR, hour_of(start), this_hour))
    return [part for part in parts if part.start < part.end]


def in_tiers[M: Model](queryset: QuerySet[M], parts: Sequence[Tier]) -> QuerySet[M]:
    condition = Q()
    for part in parts:
        condition |= Q(resolution=part.resolution, started_at__gte=part.start, started_at__lt=part.end)
    return queryset.filter(condition)


# --- roll-up and pruning -------------------------------------------------------------------------------------------


def rollup(*, now: dt.datetime | None = None, lookback: dt.timedelta = ROLLUP_LOOKBACK) -> int:
    """Recomputes the complete hours of the last `lookback` from minute rows, then yesterday's day row from hour
    rows (idempotent: rows are rewritten, never added to). Returns how many rows it wrote.

    Only complete periods get a row: a reader takes an hour's row when it exists and that hour's minutes when not,
    so a row for the current hour would hide its latest minutes."""
    now = now or timezone.now()
    hours = (hour_of(now - lookback), hour_of(now))
    days = (day_of(now) - dt.timedelta(days=1), day_of(now))
    with transaction.atomic():
        written = _rollup_probes(Resolution.MINUTE, Resolution.HOUR, hours, hour_of)
        written += _rollup_probes(Resolution.HOUR, Resolution.DAY, days, day_of)
        written += _rollup_routes(Resolution.MINUTE, Resolution.HOUR, hours, hour_of)
        written += _rollup_routes(Resolution.HOUR, Resolution.DAY, days, day_of)
    return written


def _rollup_probes(source: str, target: str, span: tuple[dt.datetime, dt.datetime], period_of: Any) -> int:
    groups: dict[tuple[str, dt.datetime], dict[str, Any]] = {}
    since, until = span
    rows = ProbeBucket.objects.filter(resolution=source, started_at__gte=since, started_at__lt=until)
    rows = rows.order_by("started_at")
    for row in rows.iterator(chunk_size=2000):
        group = groups.setdefault(
            (row.probe, period_of(row.started_at)),
            {"service": row.service, "checks": 0, "failures": 0, "total": 0.0, "max": 0.0, "histograms": []},
        )
        group["service"] = row.service
        group["checks"] += row.checks
        group["failures"] += row.failures
        group["total"] += row.latency_total_ms
        group["max"] = max(group["max"], row.latency_max_ms)
        group["histograms"].append(row.latency_histogram)
    ProbeBucket.objects.filter(resolution=target, started_at__gte=since, started_at__lt=until).delete()
    ProbeBucket.objects.bulk_create(
        ProbeBucket(
            probe=probe, service=group["service"], resolution=target, started_at=started_at, checks=group["checks"],
            failures=group["failures"], latency_total_ms=group["total"], latency_max_ms=group["max"],
            latency_histogram=histogram_merge(group["histograms"]),
        )
        for (probe, started_at), group in groups.items()
    )  # fmt: skip
    return len(groups)


def _rollup_routes(source: str, target: str, span: tuple[dt.datetime, dt.datetime], period_of: Any) -> int:
    """Also merges the rows several web processes wrote for one route and minute into one per period."""
    groups: dict[tuple[str, dt.datetime], dict[str, Any]] = {}
    since, until = span
    rows = RouteBucket.objects.filter(resolution=source, started_at__gte=since, started_at__lt=until)
    rows = rows.order_by("started_at")
    for row in rows.iterator(chunk_size=2000):
        group = groups.setdefault(
            (row.route, period_of(row.started_at)),
            {"service": row.service, "requests": 0, "errors": 0, "total": 0.0, "histograms": []},
        )
        group["requests"] += row.requests
        group["errors"] += row.errors
        group["total"] += row.latency_total_ms
        group["histograms"].append(row.latency_histogram)
    RouteBucket.objects.filter(resolution=target, started_at__gte=since, started_at__lt=until).delete()
    RouteBucket.objects.bulk_create(
        RouteBucket(
            route=route, service=group["service"], resolution=target, started_at=started_at,
            requests=group["requests"], errors=group["errors"], latency_total_ms=group["total"],
            latency_histogram=histogram_merge(group["histograms"]),
        )
        for (route, started_at), group in groups.items()
    )  # fmt: skip
    return len(groups)


def prune(*, now: dt.datetime | None = None) -> int:
    """Deletes minute rows past AZORA_HEALTH_MINUTE_RETENTION_DAYS, hour rows past AZORA_HEALTH_HOUR_RETENTION_DAYS
    and day rows past 400 days (the roll-up has long since summed them into the coarser rows)."""
    now = now or timezone.now()
    cutoffs = {
        Resolution.MINUTE: now - dt.timedelta(days=settings.AZORA_HEALTH_MINUTE_RETENTION_DAYS),
        Resolution.HOUR: now - dt.timedelta(days=settings.AZORA_HEALTH_HOUR_RETENTION_DAYS),
        Resolution.DAY: now - DAY_ROW_RETENTION,
    }
    deleted = 0
    for model in (ProbeBucket, RouteBucket):
        for resolution, cutoff in cutoffs.items():
            count, _ = model.objects.filter(resolution=resolution, started_at__lt=cutoff).delete()
            deleted += count
    return deleted


# --- reads --------------------------------------------------------------------------------------------------------


def probe_state_view(row: ProbeState) -> ProbeStateView:
    return ProbeStateView(
        name=row.name, service=row.service, status=row.status, consecutive_failures=row.consecutive_failures,
        last_checked_at=row.last_checked_at, last_latency_ms=row.last_latency_ms, last_error=row.last_error,
        status_changed_at=row.status_changed_at,
    )  # fmt: skip


def probe_states() -> list[ProbeStateView]:
    return [probe_state_view(row) for row in ProbeState.objects.order_by("service", "name")]


def uptime_percent(
    *, window: dt.timedelta, service: str | None = None, probe: str | None = None, now: dt.datetime | None = None
) -> float | None:
    """Share of good checks over the window, in percent (None: nothing was checked)."""
    rows = in_tiers(ProbeBucket.objects.all(), tiers(window=window, now=now or timezone.now()))
    if service is not None:
        rows = rows.filter(service=service)
    if probe is not None:
        rows = rows.filter(probe=probe)
    totals = rows.aggregate(checks=Sum("checks"), failures=Sum("failures"))
    return _uptime(totals["checks"] or 0, totals["failures"] or 0)


def _uptime(checks: int, failures: int) -> float | None:
    return None if checks == 0 else round(100.0 * (checks - failures) / checks, 3)


def uptime_by_service(*, window: dt.timedelta, now: dt.datetime) -> dict[str, float | None]:
    rows = in_tiers(ProbeBucket.objects.all(), tiers(window=window, now=now))
    totals = rows.order_by().values("service").annotate(checks=Sum("checks"), failures=Sum("failures"))
    return {row["service"]: _uptime(row["checks"] or 0, row["failures"] or 0) for row in totals}


def uptime_by_probe(*, window: dt.timedelta, now: dt.datetime | None = None) -> dict[str, float | None]:
    rows = in_tiers(ProbeBucket.objects.all(), tiers(window=window, now=now or timezone.now()))
    totals = rows.order_by().values("probe").annotate(checks=Sum("checks"), failures=Sum("failures"))
    return {row["probe"]: _uptime(row["checks"] or 0, row["failures"] or 0) for row in totals}


def probe_latency(*, probe: str, window: dt.timedelta, now: dt.datetime | None = None) -> LatencySummary:
    rows = in_tiers(ProbeBucket.objects.filter(probe=probe), tiers(window=window, now=now or timezone.now()))
    histograms, max_ms = [], 0.0
    for histogram, latency_max in rows.values_list("latency_histogram", "latency_max_ms"):
        histograms.append(histogram)
        max_ms = max(max_ms, latency_max)
    return latency_summary(histogram_merge(histograms), max_ms=max_ms)


def route_latency(
    *, window: dt.timedelta, service: str | None = None, limit: int = 50, now: dt.datetime | None = None
) -> list[RouteLatencyView]:
    """The busiest routes over the window, with errors (5xx) and percentiles; two queries whatever the limit."""
    rows = in_tiers(RouteBucket.objects.all(), tiers(window=window, now=now or timezone.now()))
    if service is not None:
        rows = rows.filter(service=service)
    busiest = list(rows.order_by().values("route", "service").annotate(requests=Sum("requests"), errors=Sum("errors")))
    busiest.sort(key=lambda row: (-(row["requests"] or 0), row["route"]))
    busiest = busiest[: max(1, min(limit, 500))]
    histograms: dict[str, list[Any]] = defaultdict(list)
    for route, histogram in rows.filter(route__in=[row["route"] for row in busiest]).values_list(
        "route", "latency_histogram"
    ):
        histograms[route].append(histogram)
    return [
        RouteLatencyView(
            route=row["route"], service=row["service"], requests=row["requests"] or 0, errors=row["errors"] or 0,
            latency=latency_summary(histogram_merge(histograms[row["route"]])),
        )
        for row in busiest
    ]  # fmt: skip


def daily_bars(*, service: str, days: int = 90, now: dt.datetime | None = None) -> list[DayBar]:
    """One bar per UTC day, oldest first, today last; down minutes are the failed share of the day's minutes."""
    now = now or timezone.now()
    days = max(1, min(days, 400))
    today = day_of(now)
    first = today - dt.timedelta(days=days - 1)
    per_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    past = ProbeBucket.objects.filter(
        service=service, resolution=Resolution.DAY, started_at__gte=first, started_at__lt=today
    )
    for started_at, checks, failures in _summed_by_start(past):
        per_day[started_at.date()] = [checks, failures]
    today_rows = in_tiers(ProbeBucket.objects.filter(service=service), tiers(window=now - today, now=now))
    totals = today_rows.aggregate(checks=Sum("checks"), failures=Sum("failures"))
    per_day[today.date()] = [totals["checks"] or 0, totals["failures"] or 0]
    bars = []
    for offset in range(days):
        day = (first + dt.timedelta(days=offset)).date()
        checks, failures = per_day.get(day, [0, 0])
        minutes = 1440 if day != today.date() else max(1, int((now - today).total_seconds() // 60))
        bars.append(
            DayBar(
                day=day,
                uptime_percent=_uptime(checks, failures),
                down_minutes=round(minutes * failures / checks) if checks else 0,
            )
        )
    return bars


def _summed_by_start(rows: QuerySet[ProbeBucket]) -> list[tuple[dt.datetime, int, int]]:
    summed = rows.order_by().values("started_at").annotate(checks=Sum("checks"), failures=Sum("failures"))
    return [(row["started_at"], row["checks"] or 0, row["failures"] or 0) for row in summed]


def service_health(*, now: dt.datetime | None = None) -> list[ServiceHealthView]:
    """Each service with probes: its worst probe status, its probes and its uptime over 24 h, 7 d, 30 d, 90 d."""
    now = now or timezone.now()
    states = probe_states()
    uptimes = {name: uptime_by_service(window=window, now=now) for name, window in UPTIME_WINDOWS.items()}
    by_service: dict[str, list[ProbeStateView]] = defaultdict(list)
    for state in states:
        by_service[state.service].append(state)
    return [
        ServiceHealthView(
            service=service,
            status=max((state.status for state in probes), key=lambda status: STATUS_RANK[ProbeStatus(status)]),
            probes=tuple(probes),
            uptime={name: uptimes[name].get(service) for name in UPTIME_WINDOWS},
        )
        for service, probes in sorted(by_service.items())
    ]
