"""Health Monitor's contract for what operators and the public see: SLOs and error budgets, incidents and their
updates, maintenance windows, alerts and alert channels, and the status page."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from azora.health.public.probes import DayBar
from azora.shared.pagination import Page

__all__ = [
    "AlertChannelView",
    "AlertView",
    "IncidentUpdateView",
    "IncidentView",
    "MaintenanceView",
    "ServiceStatus",
    "SloView",
    "StatusPage",
    "alert_channel_create",
    "alert_channel_delete",
    "alert_channel_list",
    "alert_channel_test",
    "alert_list",
    "alert_page",
    "incident_create",
    "incident_get",
    "incident_list",
    "incident_page",
    "incident_update_add",
    "maintenance_create",
    "maintenance_delete",
    "maintenance_list",
    "service_label",
    "slo_report",
    "status_page",
    "status_page_cached",
]


@dataclass(frozen=True, slots=True)
class SloView:
    """`attained_percent` over the window; `budget_remaining_percent` of the error budget (negative: spent
    beyond it); burn rates over the alert windows (1 = spending exactly the budget over the window)."""

    id: uuid.UUID
    service: str
    kind: str
    objective_percent: float
    latency_threshold_ms: int | None
    window_days: int
    attained_percent: float | None
    budget_remaining_percent: float | None
    burn_rates: dict[str, float | None]  # "5m", "30m", "1h", "6h"
    alerting: bool


@dataclass(frozen=True, slots=True)
class IncidentUpdateView:
    id: uuid.UUID
    status: str
    message: str
    author_id: uuid.UUID | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: uuid.UUID
    service: str
    title: str
    status: str
    severity: str
    automatic: bool
    probe: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    updates: tuple[IncidentUpdateView, ...]


@dataclass(frozen=True, slots=True)
class MaintenanceView:
    id: uuid.UUID
    title: str
    services: tuple[str, ...]
    starts_at: dt.datetime
    ends_at: dt.datetime
    active: bool


@dataclass(frozen=True, slots=True)
class AlertView:
    id: uuid.UUID
    key: str
    rule: str
    service: str
    severity: str
    summary: str
    status: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    last_notified_at: dt.datetime | None
    flaps: int


@dataclass(frozen=True, slots=True)
class AlertChannelView:
    """A channel as operators see it: the webhook's signing secret is never shown after creation."""

    id: uuid.UUID
    name: str
    kind: str
    target: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    service: str
    label: str
    status: str  # "operational" | "degraded" | "down" | "maintenance"
    uptime_90d: float | None
    bars: tuple[DayBar, ...]


@dataclass(frozen=True, slots=True)
class StatusPage:
    """What /status and GET /api/v1/status show, with no login: nothing internal (no errors, no probe names)."""

    status: str
    services: tuple[ServiceStatus, ...]
    incidents: tuple[IncidentView, ...]
    maintenance: tuple[MaintenanceView, ...]
    generated_at: dt.datetime


def status_page(*, now: dt.datetime | None = None) -> StatusPage:
    """The public status computed now; visitors are served `status_page_cached()`."""
    from azora.health import status_page as page

    return page.status_page(now=now)


def status_page_cached() -> StatusPage:
    """The public status as /status and GET /api/v1/status serve it (at most ~30 s old)."""
    from azora.health import status_page as page

    return page.status_page_cached()


def service_label(service: str) -> str:
    """A service's human name ("Courses and learning" for "education"), translated."""
    from azora.health import status_page as page

    return page.service_label(service)


def slo_report(*, now: dt.datetime | None = None) -> list[SloView]:
    """Every SLO with its attainment, error budget left and burn rates, computed from the history now."""
    from azora.health import slo

    return slo.slo_report(now=now)


def incident_list(*, open_only: bool = False, limit: int = 50) -> list[IncidentView]:
    from azora.health import incidents

    return incidents.incident_list(open_only=open_only, limit=limit)


def incident_page(
    *, cursor: str | None = None, limit: int | None = None, open_only: bool = False, service: str | None = None
) -> Page[IncidentView]:
    from azora.health import incidents

    return incidents.incident_page(cursor=cursor, limit=limit, open_only=open_only, service=service)


def incident_get(*, incident_id: uuid.UUID) -> IncidentView:
    from azora.health import incidents

    return incidents.incident_get(incident_id=incident_id)


def incident_create(
    *,
    actor_id: uuid.UUID,
    ip: str | None = None,
    service: str,
    title: str,
    severity: str,
    message: str,
    now: dt.datetime | None = None,
) -> IncidentView:
    """Opens an operator's incident with its first update; InvalidIncident (nothing saved) for bad input."""
    from azora.health import incidents

    return incidents.incident_create(
        actor_id=actor_id, ip=ip, service=service, title=title, severity=severity, message=message, now=now
    )


def incident_update_add(
    *,
    actor_id: uuid.UUID,
    ip: str | None = None,
    incident_id: uuid.UUID,
    status: str,
    message: str,
    now: dt.datetime | None = None,
) -> IncidentView:
    """Adds an update; status "resolved" closes the incident. Raises IncidentClosed on a resolved one."""
    from azora.health import incidents

    return incidents.incident_update_add(
        actor_id=actor_id, ip=ip, incident_id=incident_id, status=status, message=message, now=now
    )


def maintenance_list(*, include_past: bool = False, now: dt.datetime | None = None) -> list[MaintenanceView]:
    from azora.health import maintenance

    return maintenance.maintenance_list(include_past=include_past, now=now)


def maintenance_create(
    *,
    actor_id: uuid.UUID,
    ip: str | None = None,
    title: str,
    services: list[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> MaintenanceView:
    """Plans a window silencing alerts of `services` (all when empty); InvalidMaintenanceWindow, nothing saved,
    for bad input (ends before it starts, already over, longer than 7 days, an unknown service)."""
    from azora.health import maintenance

    return maintenance.maintenance_create(
        actor_id=actor_id, ip=ip, title=title, services=services, starts_at=starts_at, ends_at=ends_at, now=now
    )


def maintenance_delete(*, actor_id: uuid.UUID, ip: str | None = None, window_id: uuid.UUID) -> None:
    from azora.health import maintenance

    maintenance.maintenance_delete(actor_id=actor_id, ip=ip, window_id=window_id)


def alert_list(*, status: str | None = None, limit: int = 50) -> list[AlertView]:
    from azora.health import alerts

    return alerts.alert_list(status=status, limit=limit)


def alert_page(*, status: str | None = None, cursor: str | None = None, limit: int | None = None) -> Page[AlertView]:
    from azora.health import alerts

    return alerts.alert_page(status=status, cursor=cursor, limit=limit)


def alert_channel_list() -> list[AlertChannelView]:
    from azora.health import alerts

    return alerts.alert_channel_list()


def alert_channel_create(
    *, actor_id: uuid.UUID, ip: str | None = None, name: str, kind: str, target: str
) -> tuple[AlertChannelView, str]:
    """Returns the channel and, for a webhook, its signing secret (shown once)."""
    from azora.health import alerts

    return alerts.alert_channel_create(actor_id=actor_id, ip=ip, name=name, kind=kind, target=target)


def alert_channel_delete(*, actor_id: uuid.UUID, ip: str | None = None, channel_id: uuid.UUID) -> None:
    from azora.health import alerts

    alerts.alert_channel_delete(actor_id=actor_id, ip=ip, channel_id=channel_id)


def alert_channel_test(*, actor_id: uuid.UUID, ip: str | None = None, channel_id: uuid.UUID) -> str:
    """Sends a test alert now; returns "sent" or the short reason it failed (a timeout, a 500)."""
    from azora.health import alerts

    return alerts.alert_channel_test(actor_id=actor_id, ip=ip, channel_id=channel_id)
