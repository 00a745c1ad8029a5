"""Health Monitor's contract for probes: registering them (each app's `probes.py`), their states after the
thresholds, their history (uptime, latency percentiles), route latency, and operators' HTTP checks."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from azora.health.registry import ProbeResult, ReadinessReport, registry, run_readiness

__all__ = [
    "DayBar",
    "HttpCheckView",
    "LatencySummary",
    "ProbeResult",
    "ProbeRoundReport",
    "ProbeStateView",
    "ReadinessReport",
    "RouteLatencyView",
    "ServiceHealthView",
    "daily_bars",
    "http_check_create",
    "http_check_delete",
    "http_check_get",
    "http_check_list",
    "http_check_update",
    "probe_latency",
    "probe_round_run",
    "probe_states",
    "register_probe",
    "route_latency",
    "run_readiness",
    "service_health",
    "unregister_probe",
    "uptime_percent",
]

UPTIME_WINDOWS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30),
                  "90d": dt.timedelta(days=90)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProbeStateView:
    name: str
    service: str
    status: str  # "up" | "down" | "unknown"
    consecutive_failures: int
    last_checked_at: dt.datetime | None
    last_latency_ms: float | None
    last_error: str
    status_changed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ProbeRoundReport:
    """One round over every registered probe: how long it took and which probes changed status."""

    probes: int
    failed: tuple[str, ...]
    changed: tuple[str, ...]
    duration_ms: float


@dataclass(frozen=True, slots=True)
class LatencySummary:
    count: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


@dataclass(frozen=True, slots=True)
class ServiceHealthView:
    """A service's worst probe status now, its probes, and its uptime per window ("24h", "7d", "30d", "90d";
    None where nothing was checked)."""

    service: str
    status: str
    probes: tuple[ProbeStateView, ...]
    uptime: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class RouteLatencyView:
    route: str
    service: str
    requests: int
    errors: int
    latency: LatencySummary


@dataclass(frozen=True, slots=True)
class DayBar:
    """One day of a service on the 90-day status bar: uptime % (None: no data) and minutes down."""

    day: dt.date
    uptime_percent: float | None
    down_minutes: int


@dataclass(frozen=True, slots=True)
class HttpCheckView:
    id: uuid.UUID
    name: str
    service: str
    url: str
    method: str
    timeout_ms: int
    conditions: tuple[str, ...]
    enabled: bool


def register_probe(
    name: str,
    check: Callable[[], ProbeResult | None],
    *,
    critical: bool = True,
    service: str = "platform",
    readiness: bool = False,
) -> None:
    """Adds a readiness probe, usually from an AppConfig.ready().

    `check` returns None (or an ok ProbeResult) when healthy, a failed ProbeResult or raises when not.
    A probe with `readiness` also runs in /readyz, where a critical one's failure answers 503. Every probe runs
    in the monitor's rounds (every AZORA_HEALTH_PROBE_INTERVAL_SECONDS), counting for `service`'s uptime.
    """
    registry.register(name, check, critical=critical, service=service, readiness=readiness)


def unregister_probe(name: str) -> None:
    registry.unregister(name)


def probe_round_run(*, now: dt.datetime | None = None) -> ProbeRoundReport:
    """Runs every registered probe and enabled HTTP check once (in parallel, each within its timeout), applies the
    thresholds, records the minute's history, and tells the incident and alert machinery about each status change."""
    from azora.health import round as probe_round

    return probe_round.probe_round_run(now=now)


def probe_states() -> list[ProbeStateView]:
    from azora.health import history

    return history.probe_states()


def service_health(*, now: dt.datetime | None = None) -> list[ServiceHealthView]:
    from azora.health import history

    return history.service_health(now=now)


def uptime_percent(
    *, window: dt.timedelta, service: str | None = None, probe: str | None = None, now: dt.datetime | None = None
) -> float | None:
    from azora.health import history

    return history.uptime_percent(window=window, service=service, probe=probe, now=now)


def probe_latency(*, probe: str, window: dt.timedelta, now: dt.datetime | None = None) -> LatencySummary:
    from azora.health import history

    return history.probe_latency(probe=probe, window=window, now=now)


def route_latency(
    *, window: dt.timedelta, service: str | None = None, limit: int = 50, now: dt.datetime | None = None
) -> list[RouteLatencyView]:
    """Routes by request count over `window`, each with its percentiles, from the recorded request metrics."""
    from azora.health import history

    return history.route_latency(window=window, service=service, limit=limit, now=now)


def daily_bars(*, service: str, days: int = 90, now: dt.datetime | None = None) -> list[DayBar]:
    from azora.health import history

    return history.daily_bars(service=service, days=days, now=now)


def http_check_get(*, check_id: uuid.UUID) -> HttpCheckView:
    """Raises HttpCheckNotFound."""
    from azora.health import http_checks

    return http_checks.http_check_get(check_id=check_id)


def http_check_list() -> list[HttpCheckView]:
    from azora.health import http_checks

    return http_checks.http_check_list()


def http_check_create(
    *, actor_id: uuid.UUID, name: str, url: str, service: str = "external", method: str = "GET",
    timeout_ms: int = 5000, conditions: list[str], enabled: bool = True, request: HttpRequest | None = None,
) -> HttpCheckView:  # fmt: skip
    """Raises InvalidHttpCheck (a 422 with the field and why) for a malformed URL, method or condition."""
    from azora.health import http_checks

    return http_checks.http_check_create(
        actor_id=actor_id, name=name, url=url, service=service, method=method, timeout_ms=timeout_ms,
        conditions=conditions, enabled=enabled, request=request,
    )  # fmt: skip


def http_check_update(
    *, actor_id: uuid.UUID, check_id: uuid.UUID, request: HttpRequest | None = None, **fields: object
) -> HttpCheckView:
    """Changes the given fields (name, url, service, method, timeout_ms, conditions, enabled), validated as on
    create; raises HttpCheckNotFound or InvalidHttpCheck and then saves nothing."""
    from azora.health import http_checks

    return http_checks.http_check_update(actor_id=actor_id, check_id=check_id, request=request, **fields)


def http_check_delete(*, actor_id: uuid.UUID, check_id: uuid.UUID, request: HttpRequest | None = None) -> None:
    from azora.health import http_checks

    http_checks.http_check_delete(actor_id=actor_id, check_id=check_id, request=request)
