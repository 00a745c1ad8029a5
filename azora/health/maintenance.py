"""Maintenance windows: planned work during which alerts for the listed services (every service when none is
listed) are silenced, while probing and history go on."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

import azora.security.public as security
from azora.health import status_page
from azora.health.errors import InvalidMaintenanceWindow, MaintenanceNotFound
from azora.health.models import MaintenanceWindow
from azora.health.operator_input import clean_service, clean_title, invalid
from azora.health.public.status import MaintenanceView

# A window longer than this is a mistake in the dates, not planned work: alerts would be silent for weeks.
MAX_DURATION = dt.timedelta(days=7)
MAX_SERVICES = 50


def _view(window: MaintenanceWindow, *, now: dt.datetime) -> MaintenanceView:
    return MaintenanceView(
        id=window.id,
        title=window.title,
        services=tuple(window.services),
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        active=window.starts_at <= now < window.ends_at,
    )


def _clean_times(starts_at: dt.datetime, ends_at: dt.datetime, *, now: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise invalid(InvalidMaintenanceWindow, "starts_at", gettext("Give times with a time zone."))
    if ends_at <= starts_at:
        raise invalid(InvalidMaintenanceWindow, "ends_at", gettext("A window ends after it starts."))
    if ends_at <= now:
        raise invalid(InvalidMaintenanceWindow, "ends_at", gettext("This window is already over."))
    if ends_at - starts_at > MAX_DURATION:
        raise invalid(
            InvalidMaintenanceWindow, "ends_at", gettext("A window lasts at most %(days)d days.") % {"days": 7}
        )


def _clean_services(services: list[str]) -> list[str]:
    if not isinstance(services, list) or len(services) > MAX_SERVICES:
        raise invalid(InvalidMaintenanceWindow, "services", gettext("services is a list of service names."))
    cleaned = [clean_service(InvalidMaintenanceWindow, str(s), field=f"services.{i}") for i, s in enumerate(services)]
    return sorted(set(cleaned))


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
    """Plans a window (an empty `services` list covers every service); audited. Bad input raises
    InvalidMaintenanceWindow and saves nothing."""
    now = now or timezone.now()
    title = clean_title(InvalidMaintenanceWindow, title)
    _clean_times(starts_at, ends_at, now=now)
    cleaned_services = _clean_services(services)
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            title=title, services=cleaned_services, starts_at=starts_at, ends_at=ends_at, created_by_id=actor_id
        )
        security.audit_record(
            ip=ip,
            action="health.maintenance_created",
            actor_id=actor_id,
            target_type="maintenance_window",
            target_id=str(window.id),
            detail={
                "title": title,
                "services": cleaned_services,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
        status_page.invalidate_on_commit()
    return _view(window, now=now)


def maintenance_delete(*, actor_id: uuid.UUID, ip: str | None = None, window_id: uuid.UUID) -> None:
    with transaction.atomic():
        window = MaintenanceWindow.objects.select_for_update().filter(pk=window_id).first()
        if window is None:
            raise MaintenanceNotFound()
        security.audit_record(
            ip=ip,
            action="health.maintenance_deleted",
            actor_id=actor_id,
            target_type="maintenance_window",
            target_id=str(window.id),
            detail={"title": window.title},
        )
        window.delete()
        status_page.invalidate_on_commit()


def maintenance_list(*, include_past: bool = False, now: dt.datetime | None = None) -> list[MaintenanceView]:
    """Current and planned windows, soonest first (with `include_past`, every window, newest first)."""
    now = now or timezone.now()
    if include_past:
        windows = MaintenanceWindow.objects.order_by("-starts_at", "-id")
    else:
        windows = MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at", "id")
    return [_view(window, now=now) for window in windows[:200]]


def active_windows(*, now: dt.datetime) -> list[MaintenanceWindow]:
    return list(MaintenanceWindow.objects.filter(starts_at__lte=now, ends_at__gt=now))


def is_silenced(*, service: str, now: dt.datetime) -> bool:
    """True while a window covers `service` (a window listing no service covers all)."""
    # JSON containment lookups are not supported by SQLite: the few active windows are tested in Python.
    return any(not w.services or service in w.services for w in active_windows(now=now))


def services_in_maintenance(*, now: dt.datetime) -> tuple[bool, set[str]]:
    """(every service is in maintenance, the services listed by active windows)."""
    windows = active_windows(now=now)
    return any(not w.services for w in windows), {s for w in windows for s in w.services}
