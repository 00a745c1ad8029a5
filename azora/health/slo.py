"""Service level objectives: what each service attained over its window, the error budget left, and the
multi-window burn-rate alerts of the Google SRE workbook (page: 14.4x over 1 h and 5 m; ticket: 6x over 6 h
and 30 m), from the probe history (ProbeBucket) and the request history (RouteBucket)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import structlog
from django.core.cache import cache
from django.db.models import BigIntegerField, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from azora.health import alerts, history, metrics
from azora.health.models import ProbeBucket, Resolution, RouteBucket, Slo
from azora.health.public.status import SloView

logger = structlog.get_logger(__name__)

BURN_WINDOWS: dict[str, dt.timedelta] = {
    "5m": dt.timedelta(minutes=5),
    "30m": dt.timedelta(minutes=30),
    "1h": dt.timedelta(hours=1),
    "6h": dt.timedelta(hours=6),
}


@dataclass(frozen=True, slots=True)
class BurnRule:
    """Fires when the burn rate is at least `factor` over both the long and the short window."""

    severity: str
    long: str
    short: str
    factor: float


# SRE workbook, "Multiwindow, multi-burn-rate alerts": 2 % of a 30-day budget in an hour pages; 5 % in six
# hours opens a ticket. The short window makes the alert stop soon after the burning stops.
BURN_RULES = (
    BurnRule(severity="page", long="1h", short="5m", factor=14.4),
    BurnRule(severity="ticket", long="6h", short="30m", factor=6.0),
)
# Below this many events in the long window a burn rate says more about chance than about the service.
MIN_EVENTS = 10
# The SLO job stores its report here for the scrape-time metrics and the operators' pages.
REPORT_CACHE_KEY = "health:slo_report:v1"
REPORT_CACHE_SECONDS = 300


@dataclass(slots=True)
class ServiceTotals:
    """One service's events over a window: probe checks and failures, requests, 5xx errors, and the summed
    request latency histogram (over history.LATENCY_BOUNDS_MS)."""

    checks: int = 0
    failures: int = 0
    requests: int = 0
    errors: int = 0
    histogram: list[int] = field(default_factory=history.empty_histogram)

    def availability(self) -> tuple[int, int]:
        """(events, bad events): probe checks and requests together."""
        return self.checks + self.requests, self.failures + self.errors

    def latency(self, threshold_ms: int) -> tuple[int, int]:
        """(requests, requests slower than `threshold_ms`): a bucket counts as fast when its upper bound is at
        most the threshold, so a threshold between bounds is read conservatively."""
        fast_buckets = bisect.bisect_right(history.LATENCY_BOUNDS_MS, threshold_ms)
        measured = sum(self.histogram)
        return measured, measured - sum(self.histogram[:fast_buckets])


def _window_filter[M: (ProbeBucket, RouteBucket)](
    queryset: QuerySet[M], *, window: dt.timedelta, now: dt.datetime
) -> QuerySet[M]:
    """Short (burn-rate) windows read minute rows only, so a 5-minute window is five minutes; longer ones read
    the history's tiers (days, hours, then this hour's minutes) so no row is counted twice."""
    if window <= BURN_WINDOWS["6h"]:
        return queryset.filter(resolution=Resolution.MINUTE, started_at__gt=now - window, started_at__lte=now)
    return history.in_tiers(queryset, history.tiers(window=window, now=now))


def _histogram_sums() -> dict[str, Any]:
    return {
        f"h{index}": Coalesce(Sum(Cast(KeyTextTransform(str(index), "latency_histogram"), BigIntegerField())), 0)
        for index in range(len(history.LATENCY_BOUNDS_MS) + 1)
    }


def service_totals(*, window: dt.timedelta, now: dt.datetime) -> dict[str, ServiceTotals]:
    """Every service's totals over [now - window, now]: two grouped queries, whatever the number of rows."""
    totals: dict[str, ServiceTotals] = {}
    probes = _window_filter(ProbeBucket.objects.all(), window=window, now=now)
    for probe_row in (
        probes.order_by().values("service").annotate(checks_sum=Sum("checks"), failures_sum=Sum("failures"))
    ):
        entry = totals.setdefault(probe_row["service"], ServiceTotals())
        entry.checks, entry.failures = int(probe_row["checks_sum"] or 0), int(probe_row["failures_sum"] or 0)
    routes = _window_filter(RouteBucket.objects.all(), window=window, now=now)
    histogram_fields = _histogram_sums()
    # The histogram's sums are named at run time, which the typing of annotate() cannot follow.
    route_rows = cast(
        Iterable[dict[str, Any]],
        routes.order_by()
        .values("service")
        .annotate(requests_sum=Sum("requests"), errors_sum=Sum("errors"), **histogram_fields),
    )
    for row in route_rows:
        entry = totals.setdefault(row["service"], ServiceTotals())
        entry.requests, entry.errors = int(row["requests_sum"] or 0), int(row["errors_sum"] or 0)
        entry.histogram = [int(row[name] or 0) for name in histogram_fields]
    return totals


def _events(slo: Slo, totals: ServiceTotals | None) -> tuple[int, int]:
    if totals is None:
        return 0, 0
    if slo.kind == Slo.Kind.LATENCY:
        return totals.latency(int(slo.latency_threshold_ms or 0))
    return totals.availability()


def burn_rate(*, events: int, bad: int, objective_percent: float) -> float | None:
    """How fast the budget burns: the error rate over the allowed error rate (1.0 spends exactly the budget)."""
    if events <= 0:
        return None
    return round((bad / events) / (1 - objective_percent / 100), 3)


def _alerting_rules(slo: Slo, windows: dict[str, tuple[int, int]]) -> list[BurnRule]:
    objective = float(slo.objective_percent)
    firing = []
    for rule in BURN_RULES:
        long_events, long_bad = windows[rule.long]
        short_events, short_bad = windows[rule.short]
        if long_events < MIN_EVENTS:
            continue
        long_rate = burn_rate(events=long_events, bad=long_bad, objective_percent=objective)
        short_rate = burn_rate(events=short_events, bad=short_bad, objective_percent=objective)
        if long_rate is not None and short_rate is not None and min(long_rate, short_rate) >= rule.factor:
            firing.append(rule)
    return firing


@dataclass(frozen=True, slots=True)
class SloEvaluation:
    view: SloView
    firing: tuple[BurnRule, ...]


def _evaluate(slo: Slo, totals_by_window: dict[str, dict[str, ServiceTotals]]) -> SloEvaluation:
    objective = float(slo.objective_percent)
    budget_key = f"{slo.window_days}d"
    events, bad = _events(slo, totals_by_window[budget_key].get(slo.service))
    attained = round(100 * (1 - bad / events), 4) if events else None
    budget = None
    if events:
        budget = round(100 * (1 - (bad / events) / (1 - objective / 100)), 2)
    windows = {name: _events(slo, totals_by_window[name].get(slo.service)) for name in BURN_WINDOWS}
    firing = tuple(_alerting_rules(slo, windows))
    view = SloView(
        id=slo.id,
        service=slo.service,
        kind=slo.kind,
        objective_percent=objective,
        latency_threshold_ms=slo.latency_threshold_ms,
        window_days=slo.window_days,
        attained_percent=attained,
        budget_remaining_percent=budget,
        burn_rates={name: burn_rate(events=e, bad=b, objective_percent=objective) for name, (e, b) in windows.items()},
        alerting=bool(firing),
    )
    return SloEvaluation(view=view, firing=firing)


def _evaluations(slos: Iterable[Slo], *, now: dt.datetime) -> list[SloEvaluation]:
    slos = list(slos)
    windows = dict(BURN_WINDOWS)
    for slo in slos:
        windows[f"{slo.window_days}d"] = dt.timedelta(days=slo.window_days)
    totals_by_window = {name: service_totals(window=window, now=now) for name, window in windows.items()}
    return [_evaluate(slo, totals_by_window) for slo in slos]


def slo_report(*, now: dt.datetime | None = None) -> list[SloView]:
    """Every SLO now, computed from the history (the SLO job also stores it in the cache)."""
    return [
        evaluation.view
        for evaluation in _evaluations(Slo.objects.order_by("service", "kind"), now=now or timezone.now())
    ]


def slo_report_cached() -> list[SloView] | None:
    """The report the SLO job stored last (at most a few minutes old), or None before its first run."""
    report = cache.get(REPORT_CACHE_KEY)
    return report if isinstance(report, list) else None


def slo_evaluate(*, now: dt.datetime | None = None) -> list[SloView]:
    """The periodic evaluation: fires or resolves each SLO's burn-rate alerts ("slo_burn:<service>:<kind>:
    <severity>"), and stores the report for the metrics and pages."""
    now = now or timezone.now()
    evaluations = _evaluations(Slo.objects.order_by("service", "kind"), now=now)
    for evaluation in evaluations:
        view = evaluation.view
        firing = {rule.severity for rule in evaluation.firing}
        for rule in BURN_RULES:
            key = f"slo_burn:{view.service}:{view.kind}:{rule.severity}"
            if rule.severity in firing:
                rate = view.burn_rates[rule.long]
                summary = (
                    f"{view.service} {view.kind} SLO ({view.objective_percent:g} %) burns its error budget "
                    f"{rate:g}x over {rule.long} and {view.burn_rates[rule.short]:g}x over {rule.short}"
                )
                alerts.alert_fire(
                    key=key,
                    rule="slo_burn_rate",
                    service=view.service,
                    severity=rule.severity,
                    summary=summary,
                    now=now,
                )
            else:
                alerts.alert_resolve(key=key, now=now)
    report = [evaluation.view for evaluation in evaluations]
    cache.set(REPORT_CACHE_KEY, report, REPORT_CACHE_SECONDS)
    metrics.slo_budgets_store(
        metrics.SloBudget(service=v.service, kind=v.kind, remaining_ratio=v.budget_remaining_percent / 100)
        for v in report
        if v.budget_remaining_percent is not None
    )
    return report
