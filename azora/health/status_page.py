"""The public status page's data (/status and GET /api/v1/status): each service by its human label with its
90-day bars, current and recent incidents in public words, and maintenance; nothing internal (no probe names,
no errors, no operator ids). Cached for a short while and dropped when an incident or window changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from azora.health import history
from azora.health.models import Incident, IncidentStatus, IncidentUpdate, MaintenanceWindow
from azora.health.public.status import IncidentUpdateView, IncidentView, MaintenanceView, ServiceStatus, StatusPage

CACHE_SECONDS = 30
CACHE_KEY = "health:status_page:v1:{language}"
BAR_DAYS = 90
# Resolved incidents stay on the page this long, so visitors who saw an outage also see it end.
RECENT_INCIDENTS = dt.timedelta(days=3)
MAX_INCIDENTS = 20

SERVICE_LABELS: dict[str, Promise] = {
    "platform": gettext_lazy("Platform"),
    "accounts": gettext_lazy("Sign-in and accounts"),
    "security": gettext_lazy("Security"),
    "health": gettext_lazy("Monitoring"),
    "education": gettext_lazy("Courses and learning"),
    "finance": gettext_lazy("Wallet and ledger"),
    "payments": gettext_lazy("Payments"),
    "revenue": gettext_lazy("Plans and subscriptions"),
    "marketplace": gettext_lazy("Marketplace"),
    "ai_routing": gettext_lazy("AI services"),
    "constitution": gettext_lazy("AI safety checks"),
    "agents": gettext_lazy("Elara, the AI tutor"),
    "onboarding": gettext_lazy("Onboarding"),
    "gateway": gettext_lazy("API"),
    "external": gettext_lazy("External services"),
}
# Worst first: the page's overall status is its worst service's.
STATUS_RANK = {"down": 3, "degraded": 2, "maintenance": 1, "operational": 0}


def service_label(service: str) -> str:
    label = SERVICE_LABELS.get(service)
    return str(label) if label is not None else service.replace("_", " ").capitalize()


def _public_update(incident: Incident, update: IncidentUpdate, label: str) -> IncidentUpdateView:
    """Operators' words are shown as written; the monitor's own (which name probes and errors) are replaced."""
    message = update.message
    if update.author_id is None:
        if update.status == IncidentStatus.RESOLVED:
            message = gettext("%(service)s is working normally again.") % {"service": label}
        else:
            message = gettext("%(service)s is not working as it should. We are looking into it.") % {"service": label}
    return IncidentUpdateView(
        id=update.id, status=update.status, message=message, author_id=None, created_at=update.created_at
    )


def _public_incident(incident: Incident) -> IncidentView:
    label = service_label(incident.service)
    title = gettext("%(service)s is unavailable") % {"service": label} if incident.automatic else incident.title
    updates = sorted(incident.updates.all(), key=lambda u: (u.created_at, u.id), reverse=True)
    return IncidentView(
        id=incident.id,
        service=incident.service,
        title=title,
        status=incident.status,
        severity=incident.severity,
        automatic=incident.automatic,
        probe="",
        opened_at=incident.opened_at,
        resolved_at=incident.resolved_at,
        updates=tuple(_public_update(incident, update, label) for update in updates),
    )


def _incidents(now: dt.datetime) -> list[Incident]:
    """Open incidents and those resolved recently, newest first."""
    recent = Q(resolved_at__isnull=True) | Q(resolved_at__gte=now - RECENT_INCIDENTS)
    rows = Incident.objects.filter(recent, opened_at__lte=now).prefetch_related("updates")
    return list(rows.order_by("-opened_at", "-id")[:MAX_INCIDENTS])


def _maintenance(now: dt.datetime) -> list[MaintenanceView]:
    windows = MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at", "id")[:20]
    return [
        MaintenanceView(
            id=w.id,
            title=w.title,
            services=tuple(w.services),
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            active=w.starts_at <= now < w.ends_at,
        )
        for w in windows
    ]


def _service_status(
    service: str, probe_status: str, *, open_incidents: list[Incident], maintenance: list[MaintenanceView]
) -> str:
    if any(w.active and (not w.services or service in w.services) for w in maintenance):
        return "maintenance"
    if probe_status == "down":
        return "down"
    mine = [i for i in open_incidents if i.service == service]
    if any(i.severity == Incident.Severity.CRITICAL for i in mine):
        return "down"
    return "degraded" if mine else "operational"


def status_page(*, now: dt.datetime | None = None) -> StatusPage:
    """The page computed now (uncached): see `status_page_cached` for what visitors are served."""
    now = now or timezone.now()
    incidents = _incidents(now)
    open_incidents = [i for i in incidents if i.resolved_at is None]
    maintenance = _maintenance(now)
    health = {view.service: view for view in history.service_health(now=now)}
    services = sorted(set(health) | {i.service for i in open_incidents})
    statuses = []
    for service in services:
        view = health.get(service)
        statuses.append(
            ServiceStatus(
                service=service,
                label=service_label(service),
                status=_service_status(
                    service,
                    view.status if view else "unknown",
                    open_incidents=open_incidents,
                    maintenance=maintenance,
                ),
                uptime_90d=view.uptime.get("90d") if view else None,
                bars=tuple(history.daily_bars(service=service, days=BAR_DAYS, now=now)),
            )
        )
    statuses.sort(key=lambda s: s.label.casefold())
    overall = max((s.status for s in statuses), key=STATUS_RANK.__getitem__, default="operational")
    return StatusPage(
        status=overall,
        services=tuple(statuses),
        incidents=tuple(_public_incident(i) for i in incidents),
        maintenance=tuple(maintenance),
        generated_at=now,
    )


def _cache_key() -> str:
    return CACHE_KEY.format(language=translation.get_language() or settings.LANGUAGE_CODE)


def status_page_cached() -> StatusPage:
    """What /status and the API serve: computed at most every CACHE_SECONDS per language (labels are
    translated), and again at once after an incident or maintenance change."""
    key = _cache_key()
    page = cache.get(key)
    if isinstance(page, StatusPage):
        return page
    page = status_page()
    cache.set(key, page, CACHE_SECONDS)
    return page


def invalidate() -> None:
    cache.delete_many([CACHE_KEY.format(language=code) for code, _ in settings.LANGUAGES])


def invalidate_on_commit() -> None:
    transaction.on_commit(invalidate)
