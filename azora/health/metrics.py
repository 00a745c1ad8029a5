"""The Health Monitor's Prometheus gauges, read at scrape time: probe verdicts and latencies, open incidents, firing
alerts, and the SLOs' error budgets the SLO job last computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from azora.health.models import Alert, AlertStatus, Incident, IncidentStatus, ProbeState, ProbeStatus
from azora.shared.observability.metrics import register_collector

# Where the SLO job leaves its latest figures; a day of life so a stopped job shows as missing, not as stale data.
SLO_BUDGETS_CACHE_KEY = "health:metrics:slo-budgets:v1"
SLO_BUDGETS_CACHE_SECONDS = 24 * 60 * 60
PROBE_VERDICTS = {ProbeStatus.UP.value: 1.0, ProbeStatus.DOWN.value: 0.0}


@dataclass(frozen=True, slots=True)
class SloBudget:
    """One SLO's error budget left as a ratio (1 = untouched, 0 = spent, negative = overspent)."""

    service: str
    kind: str
    remaining_ratio: float


def slo_budgets_store(budgets: Iterable[SloBudget]) -> None:
    """Called by the SLO evaluation job with every SLO it computed; the scrape reads this instead of the history."""
    rows = [[budget.service, budget.kind, float(budget.remaining_ratio)] for budget in budgets]
    cache.set(SLO_BUDGETS_CACHE_KEY, rows, timeout=SLO_BUDGETS_CACHE_SECONDS)


def slo_budgets_stored() -> list[SloBudget]:
    rows = cache.get(SLO_BUDGETS_CACHE_KEY) or []
    return [
        SloBudget(service=str(service), kind=str(kind), remaining_ratio=float(ratio)) for service, kind, ratio in rows
    ]


class HealthCollector(Collector):
    """Reads a handful of rows per scrape: every probe's state, and two grouped counts."""

    def collect(self) -> Iterable[Metric]:
        now = timezone.now()
        states = list(ProbeState.objects.order_by("name"))
        yield probe_up_family(states)
        yield probe_latency_family(states)
        yield probe_round_age_family(now)
        yield incidents_open_family(open_incident_counts())
        yield alerts_firing_family(firing_alert_counts())
        yield slo_budget_family(slo_budgets_stored())


def probe_up_family(states: Iterable[ProbeState]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "azora_probe_up",
        "1 when a probe is up after its thresholds, 0 when down; absent while its verdict is still unknown.",
        labels=["probe", "service"],
    )
    for state in states:
        if state.status in PROBE_VERDICTS:
            family.add_metric([state.name, state.service], PROBE_VERDICTS[state.status])
    return family


def probe_latency_family(states: Iterable[ProbeState]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "azora_probe_latency_seconds", "How long a probe's last check took.", labels=["probe", "service"]
    )
    for state in states:
        if state.last_latency_ms is not None:
            family.add_metric([state.name, state.service], state.last_latency_ms / 1000)
    return family


def probe_round_age_family(now: dt.datetime) -> GaugeMetricFamily:
    """Seconds since any probe was last checked: it grows without bound when the probe job stops running."""
    family = GaugeMetricFamily(
        "azora_probe_last_round_age_seconds", "Seconds since the most recent probe check (absent before the first)."
    )
    last = ProbeState.objects.order_by().aggregate(last=Max("last_checked_at"))["last"]
    if last is not None:
        family.add_metric([], max(0.0, (now - last).total_seconds()))
    return family


def open_incident_counts() -> dict[str, int]:
    counts = {severity: 0 for severity in Incident.Severity.values}
    open_incidents = Incident.objects.exclude(status=IncidentStatus.RESOLVED).filter(resolved_at__isnull=True)
    for row in open_incidents.order_by().values("severity").annotate(count=Count("id")):
        counts[row["severity"]] = row["count"]
    return counts


def firing_alert_counts() -> dict[str, int]:
    counts = {severity: 0 for severity in Alert.Severity.values}
    firing = Alert.objects.filter(status=AlertStatus.FIRING).order_by()
    for row in firing.values("severity").annotate(count=Count("id")):
        counts[row["severity"]] = row["count"]
    return counts


def incidents_open_family(counts: Mapping[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "azora_incidents_open", "Incidents not yet resolved, by severity (minor, major, critical).", labels=["severity"]
    )
    for severity, count in sorted(counts.items()):
        family.add_metric([severity], float(count))
    return family


def alerts_firing_family(counts: Mapping[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "azora_alerts_firing", "The Health Monitor's own alerts now firing, by severity (page, ticket).",
        labels=["severity"],
    )  # fmt: skip
    for severity, count in sorted(counts.items()):
        family.add_metric([severity], float(count))
    return family


def slo_budget_family(budgets: Iterable[SloBudget]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "azora_slo_error_budget_remaining_ratio",
        "Share of an SLO's error budget left over its window (1 untouched, 0 spent, below 0 overspent), "
        "as the SLO job last computed it.",
        labels=["service", "kind"],
    )
    for budget in sorted(budgets, key=lambda item: (item.service, item.kind)):
        family.add_metric([budget.service, budget.kind], budget.remaining_ratio)
    return family


register_collector("health", HealthCollector())
